-- alliance lsp in Neovim 0.7 or later: one client for the session, attached
-- to every Markdown buffer (alliances) and YAML buffer (pulse answers,
-- kinds). Put this in your init.lua, or `:luafile` it. The test
-- tests/it/lsp/editors.rs runs this very file in a headless Neovim.
local alliance_client
vim.api.nvim_create_autocmd('FileType', {
  pattern = { 'markdown', 'yaml' },
  callback = function(args)
    alliance_client = alliance_client or vim.lsp.start_client({
      name = 'alliance',
      cmd = { 'alliance', 'lsp' },
      root_dir = vim.fn.getcwd(),
    })
    if alliance_client then
      vim.lsp.buf_attach_client(args.buf, alliance_client)
    end
  end,
})
