//! The keys that encrypt secrets at rest (app secrets, webhook verify tokens, settings), and
//! with `encrypt_at_rest` message bodies and webhook payloads, with AES-256-GCM. They live
//! outside the database: in a key file or in the configuration. Each key has a number; the
//! highest is the newest and encrypts new writes, older ones still decrypt.
//!
//! A stored value reads `v1:<key id>:<base64 of nonce, ciphertext and tag>`; the column it
//! belongs to (for a body, the column and the row's identity) is bound as associated data, so a
//! value copied into another column or row does not decrypt. A value without that form is a
//! row written before encryption: it reads as it is, and `risala admin keys rotate` encrypts it.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use ring::rand::{SecureRandom, SystemRandom};
use risala_core::StoreError;

const PREFIX: &str = "v1:";
/// How encrypted bytes (media chunks) begin; bytes without it were stored in plain.
pub const BYTES_MAGIC: &[u8; 6] = b"\0RSv1\0";
const KEY_LEN: usize = 32;

struct Key {
    id: u32,
    key: LessSafeKey,
}

/// The keys, shared by every clone; a keyring read from a file reads it again when it meets a
/// key it does not have (another process rotated).
#[derive(Clone)]
pub struct Keyring {
    keys: Arc<RwLock<Vec<Key>>>,
    file: Option<PathBuf>,
    source: Arc<str>,
    /// A key file's modification time as last read, and when it was last looked at (ms since
    /// the epoch): a server sees another process's rotation within [`FILE_CHECK_MS`] and
    /// seals with the new key from then on.
    file_seen: Arc<(AtomicU64, AtomicU64)>,
}

/// How often a keyring read from a file looks at the file's modification time.
const FILE_CHECK_MS: u64 = 5_000;

fn millis(t: std::time::SystemTime) -> u64 {
    t.duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

fn modified(path: &Path) -> u64 {
    std::fs::metadata(path).and_then(|m| m.modified()).map(millis).unwrap_or(0)
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keyring").field("source", &self.source).field("newest", &self.newest_id()).finish()
    }
}

fn err(msg: impl Into<String>) -> StoreError {
    StoreError::Database(msg.into())
}

fn random(buf: &mut [u8]) -> Result<(), StoreError> {
    SystemRandom::new().fill(buf).map_err(|_| err("the system random generator failed"))
}

/// A new key line, `<id>:<base64 of 32 random bytes>`.
pub fn new_key_line(id: u32) -> Result<String, StoreError> {
    let mut bytes = [0u8; KEY_LEN];
    random(&mut bytes)?;
    Ok(format!("{id}:{}", URL_SAFE_NO_PAD.encode(bytes)))
}

fn parse(text: &str, source: &str) -> Result<Vec<Key>, StoreError> {
    let mut keys: Vec<Key> = Vec::new();
    for entry in text.split(['\n', ',']).map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let bad = |why: &str| err(format!("{source}: a key must read <number>:<base64 of 32 bytes> ({why})"));
        let (id, b64) = entry.split_once(':').ok_or_else(|| bad("no ':'"))?;
        let id: u32 = id.trim().parse().map_err(|_| bad("the id is not a number"))?;
        // Standard base64 (`head -c32 /dev/urandom | base64`, with `+`, `/` and `=`) or the
        // URL-safe form the key file is written in.
        let b64 = b64.trim().trim_end_matches('=');
        let bytes = URL_SAFE_NO_PAD
            .decode(b64)
            .or_else(|_| STANDARD_NO_PAD.decode(b64))
            .map_err(|_| bad("the key is not base64"))?;
        if bytes.len() != KEY_LEN {
            return Err(bad("the key is not 32 bytes long"));
        }
        if keys.iter().any(|k| k.id == id) {
            return Err(err(format!("{source}: key {id} is given twice")));
        }
        let unbound = UnboundKey::new(&AES_256_GCM, &bytes).map_err(|_| bad("unusable key"))?;
        keys.push(Key { id, key: LessSafeKey::new(unbound) });
    }
    if keys.is_empty() {
        return Err(err(format!("{source}: no key")));
    }
    keys.sort_by_key(|k| k.id);
    Ok(keys)
}

fn read_file(path: &Path) -> Result<String, StoreError> {
    std::fs::read_to_string(path).map_err(|e| err(format!("cannot read the key file {}: {e}", path.display())))
}

fn write_file(path: &Path, text: &str) -> Result<(), StoreError> {
    use std::io::Write;
    let fail = |e: std::io::Error| err(format!("cannot write the key file {}: {e}", path.display()));
    if let Some(dir) = path.parent() {
        crate::datadir::create_private_dir(dir).map_err(fail)?;
    }
    // Written beside and renamed over, so a crash never leaves half a key file.
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".new");
    let tmp = PathBuf::from(tmp);
    let _ = std::fs::remove_file(&tmp);
    let mut f = crate::datadir::private_file(&tmp).map_err(fail)?;
    f.write_all(text.as_bytes()).and_then(|()| f.sync_all()).map_err(fail)?;
    std::fs::rename(&tmp, path).map_err(fail)
}

impl Keyring {
    fn over(keys: Vec<Key>, file: Option<PathBuf>, source: String) -> Keyring {
        let seen = file.as_deref().map(modified).unwrap_or(0);
        let now = millis(std::time::SystemTime::now());
        Keyring {
            keys: Arc::new(RwLock::new(keys)),
            file,
            source: source.into(),
            file_seen: Arc::new((AtomicU64::new(seen), AtomicU64::new(now))),
        }
    }

    /// Read the key file again if it changed since it was read (looked at once per
    /// [`FILE_CHECK_MS`]): `keys rotate` run beside a serving server adds a key, and new writes
    /// must use it, or a later removal of the old key would leave them unreadable.
    fn refresh_if_changed(&self) -> Result<(), StoreError> {
        let Some(path) = &self.file else { return Ok(()) };
        let (seen, checked) = &*self.file_seen;
        let now = millis(std::time::SystemTime::now());
        let last = checked.load(Ordering::Relaxed);
        if now.saturating_sub(last) < FILE_CHECK_MS
            || checked.compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed).is_err()
        {
            return Ok(());
        }
        let m = modified(path);
        if m != seen.load(Ordering::Relaxed) {
            self.reload()?;
            seen.store(m, Ordering::Relaxed);
        }
        Ok(())
    }

    /// Keys given as text: `<id>:<base64>` entries separated by commas or new lines.
    pub fn parse(text: &str, source: &str) -> Result<Keyring, StoreError> {
        Ok(Self::over(parse(text, source)?, None, source.to_string()))
    }

    /// The keys of the key file at `path`; with `create`, a missing file is created (0600)
    /// with one new key.
    pub fn file(path: &Path, create: bool) -> Result<Keyring, StoreError> {
        let source = format!("the key file {}", path.display());
        if create && !path.exists() {
            write_file(path, &format!("{}\n", new_key_line(1)?))?;
        }
        crate::datadir::restrict(path).map_err(|e| err(format!("{}: {e}", path.display())))?;
        Ok(Self::over(parse(&read_file(path)?, &source)?, Some(path.to_path_buf()), source))
    }

    /// A keyring of one new key that lives in memory only (tests, throwaway databases).
    pub fn ephemeral() -> Result<Keyring, StoreError> {
        Self::parse(&new_key_line(1)?, "an in-memory key")
    }

    /// Where the keys come from, for messages.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The id of the key that encrypts new writes.
    pub fn newest_id(&self) -> u32 {
        self.keys.read().map(|k| k.last().map(|k| k.id).unwrap_or(0)).unwrap_or(0)
    }

    /// Add a new key (the newest) to the key file, and use it from now on.
    pub fn add_key_to_file(&self) -> Result<u32, StoreError> {
        let Some(path) = &self.file else {
            return Err(err(format!(
                "the keys come from {}, not a key file: add a key with a higher number there, then run \
                 `risala admin keys rotate` again",
                self.source
            )));
        };
        let text = read_file(path)?;
        let id = parse(&text, &self.source)?.last().map(|k| k.id + 1).unwrap_or(1);
        let mut text = text;
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(&new_key_line(id)?);
        text.push('\n');
        write_file(path, &text)?;
        self.reload()?;
        Ok(id)
    }

    fn reload(&self) -> Result<bool, StoreError> {
        let Some(path) = &self.file else { return Ok(false) };
        let keys = parse(&read_file(path)?, &self.source)?;
        let mut guard = self.keys.write().map_err(|_| err("the keyring lock is poisoned"))?;
        *guard = keys;
        Ok(true)
    }

    /// Encrypt `plain` for the column `column` with the newest key.
    pub fn seal(&self, column: &str, plain: &str) -> Result<String, StoreError> {
        self.seal_text(&Bound::Column(column), plain)
    }

    /// Encrypt `plain` for the column `column` of the row `row` (its identity, e.g. the
    /// message id) with the newest key: the value opens only in that row.
    pub fn seal_row(&self, column: &str, row: &str, plain: &str) -> Result<String, StoreError> {
        self.seal_text(&Bound::Row(column, row), plain)
    }

    fn seal_text(&self, bound: &Bound<'_>, plain: &str) -> Result<String, StoreError> {
        let (id, bytes) = self.seal_bytes(bound, plain.as_bytes())?;
        let mut out = String::with_capacity(PREFIX.len() + 12 + bytes.len() * 4 / 3 + 4);
        out.push_str(PREFIX);
        out.push_str(&id.to_string());
        out.push(':');
        URL_SAFE_NO_PAD.encode_string(bytes, &mut out);
        Ok(out)
    }

    /// The one sealing function: nonce, ciphertext and tag of `plain` under the newest key
    /// (whose id it returns), bound to `bound`. The key is set up once, when the keyring is
    /// read; a call costs a random nonce and the AES-GCM pass.
    fn seal_bytes(&self, bound: &Bound<'_>, plain: &[u8]) -> Result<(u32, Vec<u8>), StoreError> {
        self.refresh_if_changed()?;
        let keys = self.keys.read().map_err(|_| err("the keyring lock is poisoned"))?;
        let key = keys.last().ok_or_else(|| err("the keyring is empty"))?;
        let mut nonce = [0u8; NONCE_LEN];
        random(&mut nonce)?;
        let mut buf = Vec::with_capacity(NONCE_LEN + plain.len() + AES_256_GCM.tag_len());
        buf.extend_from_slice(&nonce);
        buf.extend_from_slice(plain);
        let tag = key
            .key
            .seal_in_place_separate_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(bound.bytes().as_ref()),
                &mut buf[NONCE_LEN..],
            )
            .map_err(|_| err("encryption failed"))?;
        buf.extend_from_slice(tag.as_ref());
        Ok((key.id, buf))
    }

    /// Encrypt the bytes `plain` for the column `column` of the row `row` with the newest key:
    /// [`BYTES_MAGIC`], the key id (4 bytes, big-endian), then nonce, ciphertext and tag.
    pub fn seal_row_bytes(&self, column: &str, row: &str, plain: &[u8]) -> Result<Vec<u8>, StoreError> {
        let (id, bytes) = self.seal_bytes(&Bound::Row(column, row), plain)?;
        let mut out = Vec::with_capacity(BYTES_MAGIC.len() + 4 + bytes.len());
        out.extend_from_slice(BYTES_MAGIC);
        out.extend_from_slice(&id.to_be_bytes());
        out.extend_from_slice(&bytes);
        Ok(out)
    }

    /// The key id and sealed part of stored bytes in the encrypted form, or `None`.
    fn sealed_bytes(stored: &[u8]) -> Option<(u32, &[u8])> {
        let rest = stored.strip_prefix(BYTES_MAGIC.as_slice())?;
        let (id, sealed) = rest.split_first_chunk::<4>()?;
        (sealed.len() >= NONCE_LEN + AES_256_GCM.tag_len()).then_some((u32::from_be_bytes(*id), sealed))
    }

    /// Whether stored bytes read as encrypted ones (of any key).
    pub fn is_sealed_bytes(stored: &[u8]) -> bool {
        Self::sealed_bytes(stored).is_some()
    }

    /// The plain bytes of stored bytes of `column` in the row `row` (see
    /// [`Keyring::seal_row_bytes`]); bytes written before encryption are returned as they are.
    pub fn open_row_bytes(&self, column: &str, row: &str, stored: Vec<u8>) -> Result<Vec<u8>, StoreError> {
        match Self::sealed_bytes(&stored) {
            Some((id, sealed)) => self.open_sealed(&Bound::Row(column, row), id, sealed),
            None => Ok(stored),
        }
    }

    /// The key id and bytes of a stored value in the encrypted form, or `None` for a value
    /// written before encryption.
    fn sealed(stored: &str) -> Option<(u32, Vec<u8>)> {
        let rest = stored.strip_prefix(PREFIX)?;
        let (id, b64) = rest.split_once(':')?;
        let id = id.parse().ok()?;
        let bytes = URL_SAFE_NO_PAD.decode(b64).ok()?;
        (bytes.len() >= NONCE_LEN + AES_256_GCM.tag_len()).then_some((id, bytes))
    }

    /// Whether `stored` reads as an encrypted value (of any key).
    pub fn is_sealed(stored: &str) -> bool {
        Self::sealed(stored).is_some()
    }

    /// How every value encrypted with the newest key begins (`v1:<id>:`).
    pub fn newest_prefix(&self) -> String {
        format!("{PREFIX}{}:", self.newest_id())
    }

    /// Whether `stored` is encrypted with the newest key (a rotation leaves it alone).
    pub fn is_current(&self, stored: &str) -> bool {
        Self::sealed(stored).is_some_and(|(id, _)| id == self.newest_id())
    }

    /// The plain value of a stored value of `column`.
    pub fn open(&self, column: &str, stored: &str) -> Result<String, StoreError> {
        Ok(self.open_text(&Bound::Column(column), stored)?.unwrap_or_else(|| stored.to_string()))
    }

    /// The plain value of a stored value of `column` in the row `row` (see [`Keyring::seal_row`]);
    /// a value written before encryption is returned as it is.
    pub fn open_row(&self, column: &str, row: &str, stored: String) -> Result<String, StoreError> {
        Ok(self.open_text(&Bound::Row(column, row), &stored)?.unwrap_or(stored))
    }

    /// The plain text of a sealed value, or `None` when `stored` is not sealed.
    fn open_text(&self, bound: &Bound<'_>, stored: &str) -> Result<Option<String>, StoreError> {
        let Some((id, bytes)) = Self::sealed(stored) else {
            return Ok(None);
        };
        let plain = self.open_sealed(bound, id, &bytes)?;
        String::from_utf8(plain).map(Some).map_err(|_| err(format!("a stored value ({}) is not text", bound.column())))
    }

    /// Open what key `id` sealed, reading the key file again once if the key is new to it.
    fn open_sealed(&self, bound: &Bound<'_>, id: u32, bytes: &[u8]) -> Result<Vec<u8>, StoreError> {
        match self.open_with(bound, id, bytes)? {
            Some(plain) => Ok(plain),
            // Another process may have added the key to the file since this one read it.
            None if self.reload()? => self.open_with(bound, id, bytes)?.ok_or_else(|| self.unknown(id, bound)),
            None => Err(self.unknown(id, bound)),
        }
    }

    fn unknown(&self, id: u32, bound: &Bound<'_>) -> StoreError {
        err(format!(
            "a stored value ({}) is encrypted with key {id}, which {} does not hold: \
             give the server the key file or keys the database was written with",
            bound.column(),
            self.source
        ))
    }

    fn open_with(&self, bound: &Bound<'_>, id: u32, bytes: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        let keys = self.keys.read().map_err(|_| err("the keyring lock is poisoned"))?;
        let Some(key) = keys.iter().find(|k| k.id == id) else { return Ok(None) };
        let (nonce, ct) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| err("bad nonce"))?;
        let mut buf = ct.to_vec();
        let len = key
            .key
            .open_in_place(nonce, Aad::from(bound.bytes().as_ref()), &mut buf)
            .map_err(|_| {
                err(format!(
                    "a stored value ({}) does not decrypt with key {id} of {}: it is not the key the database \
                     was written with, or the value was copied from another {}",
                    bound.column(),
                    self.source,
                    bound.place()
                ))
            })?
            .len();
        buf.truncate(len);
        Ok(Some(buf))
    }
}

/// What a sealed value is bound to (its associated data): a column, or a column of one row.
enum Bound<'a> {
    Column(&'a str),
    Row(&'a str, &'a str),
}

impl Bound<'_> {
    fn column(&self) -> &str {
        match self {
            Bound::Column(c) | Bound::Row(c, _) => c,
        }
    }

    fn place(&self) -> &'static str {
        match self {
            Bound::Column(_) => "column",
            Bound::Row(..) => "row",
        }
    }

    /// The associated data: the column name, and for a row a NUL and the row's identity (no
    /// column name holds a NUL, so no column-bound value opens as a row-bound one).
    fn bytes(&self) -> std::borrow::Cow<'_, [u8]> {
        match self {
            Bound::Column(c) => c.as_bytes().into(),
            Bound::Row(c, row) => [c.as_bytes(), b"\0", row.as_bytes()].concat().into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seals_and_opens_with_old_and_new_keys() {
        let one = new_key_line(1).unwrap();
        let old = Keyring::parse(&one, "test").unwrap();
        let sealed = old.seal("apps.app_secret", "s3cret").unwrap();
        assert!(sealed.starts_with("v1:1:"), "{sealed}");
        assert!(!sealed.contains("s3cret"));
        assert_eq!(old.open("apps.app_secret", &sealed).unwrap(), "s3cret");
        // Another column's associated data does not decrypt it.
        assert!(old.open("settings.value", &sealed).is_err());
        // Legacy plain values read as they are.
        assert_eq!(old.open("apps.app_secret", "plain").unwrap(), "plain");
        assert_eq!(old.open("apps.app_secret", "v1:abc").unwrap(), "v1:abc");

        let both = Keyring::parse(&format!("{one},{}", new_key_line(2).unwrap()), "test").unwrap();
        assert_eq!(both.newest_id(), 2);
        assert_eq!(both.open("apps.app_secret", &sealed).unwrap(), "s3cret");
        assert!(!both.is_current(&sealed));
        assert!(both.is_current(&both.seal("c", "x").unwrap()));

        let other = Keyring::parse(&new_key_line(1).unwrap(), "the other file").unwrap();
        let e = other.open("apps.app_secret", &sealed).unwrap_err().to_string();
        assert!(e.contains("does not decrypt with key 1 of the other file"), "{e}");
        let e = Keyring::parse(&new_key_line(3).unwrap(), "k").unwrap().open("apps.app_secret", &sealed);
        assert!(e.unwrap_err().to_string().contains("encrypted with key 1, which k does not hold"));
        // A row-bound value opens in its row only, and never as a column-bound one.
        let body = both.seal_row("messages.content", "wamid.A", "{\"body\":\"hi\"}").unwrap();
        assert!(both.is_current(&body) && Keyring::is_sealed(&body));
        assert_eq!(both.open_row("messages.content", "wamid.A", body.clone()).unwrap(), "{\"body\":\"hi\"}");
        let e = both.open_row("messages.content", "wamid.B", body.clone()).unwrap_err().to_string();
        assert!(e.contains("copied from another row"), "{e}");
        assert!(both.open("messages.content", &body).is_err());
        assert_eq!(both.open_row("messages.content", "wamid.B", "plain".into()).unwrap(), "plain");
        assert!(Keyring::parse("1:short", "k").is_err());
        assert!(Keyring::parse("", "k").is_err());
    }

    #[test]
    fn keys_in_standard_base64_are_keys() {
        // `head -c32 /dev/urandom | base64`, as the deployment notes make one: `+`, `/`, `=`.
        let bytes: Vec<u8> = (0..32).map(|i| (i * 8 + 3) as u8).collect();
        let standard = base64::engine::general_purpose::STANDARD.encode(&bytes);
        assert!(standard.contains('+') || standard.contains('/'), "{standard}");
        let k = Keyring::parse(&format!("1:{standard}"), "k").unwrap();
        let url_safe = Keyring::parse(&format!("1:{}", URL_SAFE_NO_PAD.encode(&bytes)), "k").unwrap();
        assert_eq!(url_safe.open("c", &k.seal("c", "same key").unwrap()).unwrap(), "same key");
    }

    #[test]
    fn a_serving_keyring_seals_with_a_key_another_process_added() {
        let dir = std::env::temp_dir().join(format!("risala-keyring-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("risala.key");
        let serving = Keyring::file(&path, true).unwrap();
        assert!(serving.seal("c", "x").unwrap().starts_with("v1:1:"));
        // `risala admin keys rotate` in another process.
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert_eq!(Keyring::file(&path, false).unwrap().add_key_to_file().unwrap(), 2);
        // Within the check interval the server keeps its key; past it, it reads the file again.
        assert!(serving.seal("c", "x").unwrap().starts_with("v1:1:"));
        serving.file_seen.1.store(0, Ordering::Relaxed);
        assert!(serving.seal("c", "x").unwrap().starts_with("v1:2:"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
