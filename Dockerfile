# The alliance container image: the static (musl) binary on Alpine, for
# GitLab CI and any other CI that runs jobs in an image. Alpine rather than
# scratch because GitLab runs a job's script with the image's shell.
#
# The binary is built outside the image (the release workflow builds it once
# per architecture), so building the image compiles nothing:
#
#   cargo build --locked --release --target x86_64-unknown-linux-musl
#   mkdir -p dist/amd64
#   cp target/x86_64-unknown-linux-musl/release/alliance dist/amd64/
#   docker build -t alliance .
#
# For arm64, put the aarch64-unknown-linux-musl binary in dist/arm64/.
FROM alpine:3.22

ARG TARGETARCH=amd64
ARG BIN_DIR=dist

LABEL org.opencontainers.image.title="alliance" \
      org.opencontainers.image.description="Designed alliances (working agreements) as Markdown in git: check, due, diff, CI comments" \
      org.opencontainers.image.source="https://github.com/alliance-cli/alliance" \
      org.opencontainers.image.licenses="MIT OR Apache-2.0"

COPY ${BIN_DIR}/${TARGETARCH}/alliance /usr/local/bin/alliance

# No RUN step: the image is built for arm64 on an amd64 runner without
# emulation. The release workflow runs each binary on its own platform
# before it gets here.

# No ENTRYPOINT: GitLab (and `docker run IMAGE alliance check`) run
# commands through the shell.
CMD ["alliance", "--help"]
