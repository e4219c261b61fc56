//! Git's commit-graph file, read by hand: each commit's root tree, parents
//! and committer time without inflating the commit, and its changed-path
//! Bloom filter, which says when a commit certainly did not change a path.
//! This is what makes `git log -- PATH` fast, and what libgit2 cannot read.
//!
//! The format is git's `Documentation/gitformat-commit-graph.txt` (a
//! header, a chunk table, then the chunks `OIDF` fan-out, `OIDL` ids,
//! `CDAT` commit data, `EDGE` extra parents, `BIDX`/`BDAT` Bloom filters).
//! Only a single `objects/info/commit-graph` file of SHA-1 ids is used; a
//! split graph (`commit-graphs/` chain), grafts, replace refs, a shallow
//! clone or `core.commitGraph = false` mean no graph, as in git, and the
//! walk reads commits from the object database as before. Every offset is
//! checked against the file: a damaged graph is no graph, never a panic,
//! and a commit the graph does not know is read the old way.

use std::path::Path;

use git2::{Oid, Repository};

/// Larger graph files are not read (a graph of ten million commits is
/// about 400 MB; past this the old walk is used).
const MAX_GRAPH_BYTES: u64 = 512 * 1024 * 1024;

/// SHA-1 ids.
const HASH_LEN: usize = 20;

/// "No parent" in `CDAT`.
const NO_PARENT: u32 = 0x7000_0000;

/// A parent position with this bit points into `EDGE` (an octopus merge).
const EDGE_BIT: u32 = 0x8000_0000;

/// What the graph knows about one commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct GraphCommit {
    /// The root tree.
    pub tree: Oid,
    /// The parents, in order.
    pub parents: Parents,
    /// The committer time, in seconds since the epoch.
    pub time: i64,
    /// Its generation number as git orders commits by it: the corrected
    /// commit date (`GDAT`, generation version 2) when the graph has one,
    /// else the topological level from `CDAT`.
    pub generation: u64,
}

/// One parent of a commit: its id, and its place in the commit-graph when
/// the graph has it (so a walk reads it without looking its id up).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Parent {
    /// The parent's id.
    pub id: Oid,
    /// Its position in the commit-graph.
    pub position: Option<usize>,
}

/// A commit's parents, in order. Most commits have one or two: those are
/// kept inline, so a walk allocates nothing per commit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Parents {
    inline: [Option<Parent>; 2],
    more: Vec<Parent>,
}

impl Parents {
    /// Add the next parent.
    pub fn push(&mut self, parent: Parent) {
        match &mut self.inline {
            [slot @ None, _] | [Some(_), slot @ None] if self.more.is_empty() => {
                *slot = Some(parent);
            }
            _ => self.more.push(parent),
        }
    }

    /// The parents, in order.
    pub fn iter(&self) -> impl Iterator<Item = Parent> + '_ {
        self.inline
            .iter()
            .flatten()
            .copied()
            .chain(self.more.iter().copied())
    }

    /// The parents' ids, in order.
    pub fn ids(&self) -> impl Iterator<Item = Oid> + '_ {
        self.iter().map(|p| p.id)
    }

    /// The first parent's id.
    pub fn first(&self) -> Option<Oid> {
        self.inline[0].map(|p| p.id)
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.inline.iter().flatten().count() + self.more.len()
    }

    /// Whether this is a root commit.
    pub fn is_empty(&self) -> bool {
        self.inline[0].is_none()
    }
}

impl FromIterator<Oid> for Parents {
    fn from_iter<I: IntoIterator<Item = Oid>>(ids: I) -> Parents {
        let mut parents = Parents::default();
        for id in ids {
            parents.push(Parent { id, position: None });
        }
        parents
    }
}

/// The Bloom filters' settings (`BDAT` header).
#[derive(Debug, Clone, Copy)]
struct Bloom {
    bidx: usize,
    bdat: usize,
    bdat_len: usize,
    hash_version: u32,
    num_hashes: u32,
}

/// A commit-graph file, loaded.
pub(super) struct CommitGraph {
    data: Vec<u8>,
    commits: usize,
    fanout: usize,
    ids: usize,
    cdat: usize,
    edges: Option<(usize, usize)>,
    /// `GDAT` (corrected commit date offsets) and `GDOV` (their overflow).
    corrected: Option<(usize, Option<(usize, usize)>)>,
    bloom: Option<Bloom>,
}

impl std::fmt::Debug for CommitGraph {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CommitGraph")
            .field("commits", &self.commits)
            .field("bloom", &self.bloom.is_some())
            .finish()
    }
}

impl CommitGraph {
    /// The repository's commit graph, when git itself would use one.
    pub fn open(repo: &Repository) -> Option<CommitGraph> {
        if repo.is_shallow() {
            return None;
        }
        if let Ok(config) = repo.config() {
            if config.get_bool("core.commitGraph") == Ok(false) {
                return None;
            }
        }
        let common = repo.commondir();
        if common.join("info/grafts").exists() {
            return None;
        }
        if repo
            .references_glob("refs/replace/*")
            .is_ok_and(|mut refs| refs.next().is_some())
        {
            return None;
        }
        CommitGraph::read(&common.join("objects/info/commit-graph"))
    }

    /// Read and index a commit-graph file; `None` when absent or not valid.
    pub fn read(path: &Path) -> Option<CommitGraph> {
        CommitGraph::parse(crate::read::read_named(path, MAX_GRAPH_BYTES).ok()?)
    }

    fn parse(data: Vec<u8>) -> Option<CommitGraph> {
        let table = chunk_table(&data)?;
        let chunks = table.len() - 1;
        // Each chunk runs to the next entry's offset (the last entry is the
        // terminating one).
        let chunk = |name: &[u8; 4]| -> Option<(usize, usize)> {
            let i = table[..chunks].iter().position(|(id, _)| id == name)?;
            let (start, end) = (table[i].1, table[i + 1].1);
            (start <= end).then_some((start, end - start))
        };
        let (fanout, fanout_len) = chunk(b"OIDF")?;
        let (ids, ids_len) = chunk(b"OIDL")?;
        let (cdat, cdat_len) = chunk(b"CDAT")?;
        if fanout_len != 256 * 4 {
            return None;
        }
        let commits = usize::try_from(read_u32(&data, fanout + 255 * 4)?).ok()?;
        if ids_len != commits * HASH_LEN || cdat_len != commits * (HASH_LEN + 16) {
            return None;
        }
        let edges = chunk(b"EDGE");
        let corrected = match chunk(b"GDAT") {
            Some((gdat, len)) if len == commits * 4 => Some((gdat, chunk(b"GDOV"))),
            _ => None,
        };
        let bloom = bloom(&data, chunk(b"BIDX"), chunk(b"BDAT"), commits);
        Some(CommitGraph {
            data,
            commits,
            fanout,
            ids,
            cdat,
            edges,
            corrected,
            bloom,
        })
    }

    /// How many commits the graph holds.
    pub fn len(&self) -> usize {
        self.commits
    }

    /// The graph position of commit `id`.
    pub fn position(&self, id: Oid) -> Option<usize> {
        let bytes = id.as_bytes();
        let first = usize::from(*bytes.first()?);
        let lo = if first == 0 {
            0
        } else {
            usize::try_from(read_u32(&self.data, self.fanout + (first - 1) * 4)?).ok()?
        };
        let hi = usize::try_from(read_u32(&self.data, self.fanout + first * 4)?).ok()?;
        if lo > hi || hi > self.commits {
            return None;
        }
        let (mut lo, mut hi) = (lo, hi);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.id_bytes(mid)?.cmp(bytes) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    }

    fn id_bytes(&self, position: usize) -> Option<&[u8]> {
        let at = self.ids + position * HASH_LEN;
        self.data.get(at..at + HASH_LEN)
    }

    fn id(&self, position: usize) -> Option<Oid> {
        Oid::from_bytes(self.id_bytes(position)?).ok()
    }

    /// The tree, parents and time of the commit at `position`.
    pub fn commit(&self, position: usize) -> Option<GraphCommit> {
        if position >= self.commits {
            return None;
        }
        let row = self.cdat + position * (HASH_LEN + 16);
        let tree = Oid::from_bytes(self.data.get(row..row + HASH_LEN)?).ok()?;
        let first = read_u32(&self.data, row + HASH_LEN)?;
        let second = read_u32(&self.data, row + HASH_LEN + 4)?;
        let mut parents = Parents::default();
        if first != NO_PARENT {
            parents.push(self.parent(first)?);
        }
        if second & EDGE_BIT != 0 {
            self.octopus(second & !EDGE_BIT, &mut parents)?;
        } else if second != NO_PARENT {
            parents.push(self.parent(second)?);
        }
        let high = u64::from(read_u32(&self.data, row + HASH_LEN + 8)? & 0x3);
        let low = u64::from(read_u32(&self.data, row + HASH_LEN + 12)?);
        let time = i64::try_from((high << 32) | low).ok()?;
        let level = u64::from(read_u32(&self.data, row + HASH_LEN + 8)? >> 2);
        let generation = match self.corrected {
            None => level,
            Some((gdat, overflow)) => {
                let offset = read_u32(&self.data, gdat + position * 4)?;
                let offset = if offset & EDGE_BIT == 0 {
                    u64::from(offset)
                } else {
                    let (gdov, len) = overflow?;
                    let at = usize::try_from(offset & !EDGE_BIT).ok()? * 8;
                    if at + 8 > len {
                        return None;
                    }
                    u64::from_be_bytes(self.data.get(gdov + at..gdov + at + 8)?.try_into().ok()?)
                };
                u64::try_from(time).ok()?.checked_add(offset)?
            }
        };
        Some(GraphCommit {
            tree,
            parents,
            time,
            generation,
        })
    }

    /// The parent at graph position `position`.
    fn parent(&self, position: u32) -> Option<Parent> {
        let position = usize::try_from(position).ok()?;
        Some(Parent {
            id: self.id(position)?,
            position: Some(position),
        })
    }

    /// The second and later parents of an octopus merge, from `EDGE`.
    fn octopus(&self, start: u32, parents: &mut Parents) -> Option<()> {
        let (edges, len) = self.edges?;
        let mut at = usize::try_from(start).ok()?;
        loop {
            if (at + 1) * 4 > len {
                return None;
            }
            let entry = read_u32(&self.data, edges + at * 4)?;
            parents.push(self.parent(entry & !EDGE_BIT)?);
            if entry & EDGE_BIT != 0 {
                return Some(());
            }
            at += 1;
        }
    }

    /// The Bloom keys of `path` and each of its leading directories (git
    /// adds every leading directory of a changed path too, so the path is
    /// certainly unchanged when any key is absent); `None` when the graph
    /// has no filters, or filters that cannot be trusted for this path.
    pub fn keys(&self, path: &str) -> Option<BloomKeys> {
        let bloom = self.bloom?;
        // Version 1 filters hashed bytes above 0x7f as signed: git itself
        // no longer trusts them for such paths.
        if bloom.hash_version == 1 && !path.is_ascii() {
            return None;
        }
        let mut prefixes: Vec<&str> = path.match_indices('/').map(|(at, _)| &path[..at]).collect();
        prefixes.push(path);
        Some(BloomKeys(
            prefixes
                .into_iter()
                .map(|key| {
                    (
                        murmur3(0x293a_e76f, key.as_bytes()),
                        murmur3(0x7e64_6e2c, key.as_bytes()),
                    )
                })
                .collect(),
        ))
    }

    /// Whether the commit at `position` may have changed the path of
    /// `keys` relative to its first parent: `Some(false)` when its Bloom
    /// filter says it certainly did not, `None` when it cannot tell.
    pub fn maybe_changed(&self, position: usize, keys: &BloomKeys) -> Option<bool> {
        let bloom = self.bloom?;
        if position >= self.commits {
            return None;
        }
        let end = usize::try_from(read_u32(&self.data, bloom.bidx + position * 4)?).ok()?;
        let start = if position == 0 {
            0
        } else {
            usize::try_from(read_u32(&self.data, bloom.bidx + (position - 1) * 4)?).ok()?
        };
        if start > end || end > bloom.bdat_len {
            return None;
        }
        let filter = self.data.get(bloom.bdat + start..bloom.bdat + end)?;
        if filter.is_empty() {
            return None;
        }
        let bits = filter.len() as u64 * 8;
        for &(hash0, hash1) in &keys.0 {
            for i in 0..bloom.num_hashes {
                let hash = hash0.wrapping_add(i.wrapping_mul(hash1));
                let bit = u64::from(hash) % bits;
                let byte = filter[usize::try_from(bit / 8).ok()?];
                if byte & (1 << (bit % 8)) == 0 {
                    return Some(false);
                }
            }
        }
        Some(true)
    }
}

/// The header's checks and the chunk table: each chunk's id and offset,
/// then the terminating entry.
fn chunk_table(data: &[u8]) -> Option<Vec<([u8; 4], usize)>> {
    // Header: "CGPH", version 1, hash version 1 (SHA-1), chunk count,
    // base graph count (0: not part of a chain).
    if data.get(..4)? != b"CGPH" || data.get(4)? != &1 || data.get(5)? != &1 {
        return None;
    }
    let chunks = usize::from(*data.get(6)?);
    if *data.get(7)? != 0 {
        return None;
    }
    let mut table = Vec::with_capacity(chunks);
    for i in 0..=chunks {
        let at = 8 + i * 12;
        let id = data.get(at..at + 4)?;
        let offset = usize::try_from(u64::from_be_bytes(
            data.get(at + 4..at + 12)?.try_into().ok()?,
        ))
        .ok()?;
        if offset > data.len() {
            return None;
        }
        table.push((<[u8; 4]>::try_from(id).ok()?, offset));
    }
    Some(table)
}

/// The changed-paths Bloom filters, when both chunks are there, sized for
/// `commits`, and of a hash version and count this reader knows.
fn bloom(
    data: &[u8],
    bidx: Option<(usize, usize)>,
    bdat: Option<(usize, usize)>,
    commits: usize,
) -> Option<Bloom> {
    match (bidx, bdat) {
        (Some((bidx, bidx_len)), Some((bdat, bdat_len)))
            if bidx_len == commits * 4 && bdat_len >= 12 =>
        {
            // Both reads are within the file: the chunk's 12 bytes are.
            let hash_version = read_u32(data, bdat)?;
            let num_hashes = read_u32(data, bdat + 4)?;
            ((hash_version == 1 || hash_version == 2) && (1..=32).contains(&num_hashes)).then_some(
                Bloom {
                    bidx,
                    bdat: bdat + 12,
                    bdat_len: bdat_len - 12,
                    hash_version,
                    num_hashes,
                },
            )
        }
        _ => None,
    }
}

/// A path's Bloom keys: the two murmur3 hashes of the path and of each of
/// its leading directories.
#[derive(Debug, Clone)]
pub(super) struct BloomKeys(Vec<(u32, u32)>);

/// Hashing for maps keyed by object ids: an id is already a uniform hash,
/// so its first eight bytes are the key (`SipHash` was a third of a walk).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct OidHash(u64);

impl std::hash::Hasher for OidHash {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = self.0.rotate_left(5) ^ u64::from_le_bytes(word);
        }
    }
}

/// The `BuildHasher` of [`OidHash`].
pub(super) type OidHashing = std::hash::BuildHasherDefault<OidHash>;

fn read_u32(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

/// 32-bit MurmurHash3, as git's `murmur3_seeded_v2`.
fn murmur3(seed: u32, data: &[u8]) -> u32 {
    const C1: u32 = 0xcc9e_2d51;
    const C2: u32 = 0x1b87_3593;
    let mut hash = seed;
    let mut blocks = data.chunks_exact(4);
    for block in &mut blocks {
        let mut k = u32::from_le_bytes([block[0], block[1], block[2], block[3]]);
        k = k.wrapping_mul(C1).rotate_left(15).wrapping_mul(C2);
        hash ^= k;
        hash = hash
            .rotate_left(13)
            .wrapping_mul(5)
            .wrapping_add(0xe654_6b64);
    }
    let tail = blocks.remainder();
    if !tail.is_empty() {
        let mut k = 0u32;
        for (i, byte) in tail.iter().enumerate() {
            k ^= u32::from(*byte) << (8 * i);
        }
        k = k.wrapping_mul(C1).rotate_left(15).wrapping_mul(C2);
        hash ^= k;
    }
    #[allow(clippy::cast_possible_truncation)]
    let len = data.len() as u32;
    hash ^= len;
    hash ^= hash >> 16;
    hash = hash.wrapping_mul(0x85eb_ca6b);
    hash ^= hash >> 13;
    hash = hash.wrapping_mul(0xc2b2_ae35);
    hash ^ (hash >> 16)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn murmur3_matches_the_reference_values() {
        // Reference values of MurmurHash3_x86_32 (as git's t/helper tests).
        assert_eq!(murmur3(0, b""), 0x0000_0000);
        assert_eq!(murmur3(0, b"Hello world!"), 0x627b_0c2c);
        assert_eq!(
            murmur3(0, b"The quick brown fox jumps over the lazy dog"),
            0x2e4f_f723
        );
    }

    #[test]
    fn a_damaged_graph_is_no_graph() {
        assert!(CommitGraph::parse(Vec::new()).is_none());
        assert!(CommitGraph::parse(b"CGPH\x01\x01\x03\x00".to_vec()).is_none());
        let mut huge_offset = b"CGPH\x01\x01\x01\x00OIDF".to_vec();
        huge_offset.extend_from_slice(&u64::MAX.to_be_bytes());
        huge_offset.extend_from_slice(&[0; 12]);
        assert!(CommitGraph::parse(huge_offset).is_none());
    }
}
