//! Which callback URLs may be called. Outside sandbox mode a callback must be `https` and must
//! not resolve to loopback, private, link-local or otherwise internal addresses (so a tenant
//! cannot make the server probe its own network), unless the operator allow-lists them. In
//! sandbox mode `http` and loopback are allowed: the developer's receiver runs on their machine.
//!
//! The check runs when a callback is set and again on every connection: the HTTP client resolves
//! names through [`GuardedResolver`], so a name that later resolves elsewhere is still refused.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::Url;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Allow {
    Host(String),
    Net(IpAddr, u8),
}

/// The callback address policy.
#[derive(Debug, Clone)]
pub struct Guard {
    sandbox: bool,
    allow: Vec<Allow>,
}

fn parse_allow(s: &str) -> Result<Allow, String> {
    let s = s.trim();
    if s.contains('/') || s.parse::<IpAddr>().is_ok() {
        let (ip, bits) = parse_network(s)?;
        return Ok(Allow::Net(ip, bits));
    }
    if s.is_empty() {
        return Err("empty entry in webhooks.allow_private".into());
    }
    Ok(Allow::Host(s.to_ascii_lowercase()))
}

/// A network written `10.0.0.0/8`, or one address (`10.1.2.3`: a /32, or /128).
pub fn parse_network(s: &str) -> Result<(IpAddr, u8), String> {
    let s = s.trim();
    if let Some((ip, bits)) = s.split_once('/') {
        let ip: IpAddr = ip.parse().map_err(|_| format!("'{s}' is not a network such as 10.0.0.0/8"))?;
        let bits: u8 = bits.parse().map_err(|_| format!("'{s}' has a bad prefix length"))?;
        let max = if ip.is_ipv4() { 32 } else { 128 };
        if bits > max {
            return Err(format!("'{s}' has a bad prefix length"));
        }
        return Ok((ip, bits));
    }
    let ip: IpAddr = s.parse().map_err(|_| format!("'{s}' is not an address or a network such as 10.0.0.0/8"))?;
    Ok((ip, if ip.is_ipv4() { 32 } else { 128 }))
}

/// Whether `ip` is in the network `net`/`bits` (IPv4 in IPv4, IPv6 in IPv6).
pub fn in_net(ip: IpAddr, net: IpAddr, bits: u8) -> bool {
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let mask = if bits == 0 { 0 } else { u32::MAX << (32 - bits as u32) };
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let mask = if bits == 0 { 0 } else { u128::MAX << (128 - bits as u32) };
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

fn internal_v4(ip: Ipv4Addr) -> bool {
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || SPECIAL_V4.iter().any(|&(net, bits)| in_net(IpAddr::V4(ip), IpAddr::V4(Ipv4Addr::from(net)), bits))
}

/// The rest of IANA's special-purpose IPv4 registry that is not globally reachable: a host's
/// own address can sit in a documentation or benchmarking range (test networks do this), so
/// only the global internet counts as public.
const SPECIAL_V4: [([u8; 4], u8); 9] = [
    ([0, 0, 0, 0], 8),       // "this network"
    ([100, 64, 0, 0], 10),   // carrier-grade NAT
    ([192, 0, 0, 0], 24),    // IETF protocol assignments
    ([192, 0, 2, 0], 24),    // TEST-NET-1
    ([192, 88, 99, 0], 24),  // 6to4 relay anycast (deprecated)
    ([198, 18, 0, 0], 15),   // benchmarking
    ([198, 51, 100, 0], 24), // TEST-NET-2
    ([203, 0, 113, 0], 24),  // TEST-NET-3
    ([240, 0, 0, 0], 4),     // reserved, and 255.255.255.255
];

/// The IPv4 addresses an IPv6 address carries, for the forms that reach an IPv4 host:
/// IPv4-mapped (`::ffff:a.b.c.d`), IPv4-compatible (`::a.b.c.d`, deprecated but still routed by
/// some stacks), NAT64 with the well-known prefix (`64:ff9b::a.b.c.d`, RFC 6052), 6to4
/// (`2002:AABB:CCDD::/48`, RFC 3056) and Teredo (`2001:0::/32`, RFC 4380: the server's
/// address and the client's, stored inverted). A guard that looked only at the IPv6 form would
/// let `::127.0.0.1` or `64:ff9b::10.0.0.1` through to the host behind it.
fn embedded_v4(v6: Ipv6Addr) -> Vec<Ipv4Addr> {
    let bits = u128::from(v6);
    let low32 = Ipv4Addr::from((bits & 0xffff_ffff) as u32);
    let seg = v6.segments();
    if let Some(v4) = v6.to_ipv4_mapped() {
        return vec![v4];
    }
    // IPv4-compatible: the high 96 bits are zero (`::` and `::1` are handled as IPv6).
    if bits >> 32 == 0 && bits > 1 {
        return vec![low32];
    }
    if in_net(IpAddr::V6(v6), IpAddr::V6(Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, 0, 0)), 96) {
        return vec![low32];
    }
    if seg[0] == 0x2002 {
        return vec![Ipv4Addr::from(((seg[1] as u32) << 16) | seg[2] as u32)];
    }
    if seg[0] == 0x2001 && seg[1] == 0 {
        let server = Ipv4Addr::from(((seg[2] as u32) << 16) | seg[3] as u32);
        let client = Ipv4Addr::from(!((bits & 0xffff_ffff) as u32));
        return vec![server, client];
    }
    Vec::new()
}

/// Loopback, private, link-local, unspecified, multicast and similar non-public addresses,
/// IPv4 addresses carried inside IPv6 ones (see `embedded_v4`) judged as the IPv4 address.
pub fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => internal_v4(v4),
        IpAddr::V6(v6) => {
            let carried = embedded_v4(v6);
            if !carried.is_empty() {
                return carried.into_iter().any(internal_v4);
            }
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || in_net(ip, IpAddr::V6(Ipv6Addr::new(0xfc00, 0, 0, 0, 0, 0, 0, 0)), 7) // unique local
                || in_net(ip, IpAddr::V6(Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0)), 10) // link-local
                // NAT64 local-use prefix (RFC 8215): where the IPv4 address sits depends on the
                // operator's prefix length, and it only ever leads into a local network.
                || in_net(ip, IpAddr::V6(Ipv6Addr::new(0x64, 0xff9b, 1, 0, 0, 0, 0, 0)), 48)
        }
    }
}

impl Guard {
    /// `allow`: entries of `webhooks.allow_private`.
    pub fn new(sandbox: bool, allow: &[String]) -> Result<Guard, String> {
        Ok(Guard { sandbox, allow: allow.iter().map(|s| parse_allow(s)).collect::<Result<_, _>>()? })
    }

    /// May a connection to `ip` (reached through host name `host`) be made?
    pub fn allows(&self, host: &str, ip: IpAddr) -> bool {
        if !is_internal(ip) || (self.sandbox && ip.is_loopback()) {
            return true;
        }
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        self.allow.iter().any(|a| match a {
            Allow::Host(h) => *h == host,
            Allow::Net(n, bits) => in_net(ip, *n, *bits),
        })
    }

    /// Scheme and host checks that need no DNS; returns the parsed URL.
    pub fn check_static(&self, url: &str) -> Result<Url, String> {
        let u = Url::parse(url).map_err(|e| format!("'{url}' is not a valid URL: {e}"))?;
        match u.scheme() {
            "https" => {}
            "http" if self.sandbox => {}
            "http" => return Err("the callback URL must use https".into()),
            other => return Err(format!("unsupported URL scheme '{other}': use https")),
        }
        if !u.username().is_empty() || u.password().is_some() {
            return Err("the callback URL must not carry credentials".into());
        }
        let host = u.host_str().ok_or_else(|| "the callback URL has no host".to_string())?;
        if let Some(ip) = literal_ip(host) {
            if !self.allows(host, ip) {
                return Err(format!("the callback URL points at a non-public address ({ip})"));
            }
        }
        Ok(u)
    }

    /// The full check: scheme, and every address the host resolves to.
    pub async fn check(&self, url: &str) -> Result<(), String> {
        let u = self.check_static(url)?;
        let host = u.host_str().unwrap_or_default().to_string();
        if literal_ip(&host).is_some() {
            return Ok(());
        }
        let port = u.port_or_known_default().unwrap_or(443);
        let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), port))
            .await
            .map_err(|e| format!("the callback host '{host}' does not resolve: {e}"))?
            .collect();
        if addrs.is_empty() {
            return Err(format!("the callback host '{host}' does not resolve"));
        }
        if let Some(bad) = addrs.iter().find(|a| !self.allows(&host, a.ip())) {
            return Err(format!("the callback host '{host}' resolves to a non-public address ({})", bad.ip()));
        }
        Ok(())
    }
}

impl Guard {
    /// The addresses `host` resolves to that a connection may use (port 0: the caller's
    /// connector sets the URL's); an error when none is left.
    pub(crate) async fn resolve(&self, host: &str) -> Result<Vec<SocketAddr>, String> {
        let addrs = tokio::net::lookup_host((host, 0)).await.map_err(|e| format!("'{host}' does not resolve: {e}"))?;
        let allowed: Vec<SocketAddr> = addrs.filter(|a| self.allows(host, a.ip())).collect();
        if allowed.is_empty() {
            return Err(format!("'{host}' resolves only to non-public addresses"));
        }
        Ok(allowed)
    }
}

fn literal_ip(host: &str) -> Option<IpAddr> {
    host.trim_start_matches('[').trim_end_matches(']').parse().ok()
}

/// DNS for the reqwest clients that call a business's endpoints (the webhook handshake, bots'
/// `http` steps, flow data exchanges): the system resolver, then only the addresses the guard
/// allows; a name left with none fails to connect.
pub struct GuardedResolver(pub Arc<Guard>);

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let guard = self.0.clone();
        let host = name.as_str().to_string();
        Box::pin(async move {
            let it: Addrs = Box::new(guard.resolve(&host).await?.into_iter());
            Ok(it)
        })
    }
}

/// A client builder for calls to a business's own endpoints (bots' `http` steps, flow data
/// exchanges): every address it connects to passes `guard`, no redirects are followed, and a
/// connection gets 5 seconds.
pub fn guarded_client(guard: &Arc<Guard>) -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .connect_timeout(std::time::Duration::from_secs(5))
        .dns_resolver(Arc::new(GuardedResolver(guard.clone())))
        .redirect(reqwest::redirect::Policy::none())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_addresses() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "100.64.0.1",
            "192.0.0.8",
            "192.0.2.2",
            "198.18.0.1",
            "198.19.255.1",
            "198.51.100.7",
            "203.0.113.9",
            "240.0.0.1",
            "::ffff:192.0.2.2",
        ] {
            assert!(is_internal(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["8.8.8.8", "157.240.1.35", "2a03:2880::1", "192.0.3.1", "198.20.0.1", "223.255.255.1"] {
            assert!(!is_internal(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn ipv4_inside_ipv6_is_judged_as_ipv4() {
        for ip in [
            // IPv4-compatible
            "::127.0.0.1",
            "::10.0.0.1",
            "::169.254.169.254",
            // IPv4-mapped
            "::ffff:10.0.0.1",
            "::ffff:169.254.169.254",
            // NAT64, well-known prefix, and the local-use prefix as a whole
            "64:ff9b::127.0.0.1",
            "64:ff9b::10.1.2.3",
            "64:ff9b::a9fe:a9fe",
            "64:ff9b:1::8.8.8.8",
            "64:ff9b:1:ffff::1",
            // 6to4
            "2002:7f00:1::1",
            "2002:a00:1::",
            "2002:c0a8:101::42",
            // Teredo: server 127.0.0.1, or client 10.0.0.1 (stored inverted)
            "2001:0:7f00:1::1",
            "2001:0:808:808::f5ff:fffe",
        ] {
            assert!(is_internal(ip.parse().unwrap()), "{ip}");
        }
        for ip in [
            "::8.8.8.8",
            "::ffff:8.8.8.8",
            "64:ff9b::8.8.8.8",
            "64:ff9b::9df0:123",
            "2002:808:808::1",
            // Teredo with public server 8.8.8.8 and public client 1.2.3.4 (inverted: fefd:fcfb)
            "2001:0:808:808::fefd:fcfb",
        ] {
            assert!(!is_internal(ip.parse().unwrap()), "{ip}");
        }
        let g = Guard::new(false, &[]).unwrap();
        assert!(g.check_static("https://[::127.0.0.1]/hook").is_err());
        assert!(g.check_static("https://[64:ff9b::a00:1]/hook").is_err());
        assert!(g.check_static("https://[2002:a9fe:a9fe::1]/latest/meta-data").is_err());
    }

    #[test]
    fn platform_needs_https_and_public_addresses() {
        let g = Guard::new(false, &[]).unwrap();
        assert!(g.check_static("http://example.com/hook").is_err());
        assert!(g.check_static("https://example.com/hook").is_ok());
        assert!(g.check_static("https://127.0.0.1/hook").is_err());
        assert!(g.check_static("https://[::1]/hook").is_err());
        assert!(g.check_static("https://169.254.169.254/").is_err());
        assert!(g.check_static("ftp://example.com/").is_err());
        let g = Guard::new(false, &["10.0.0.0/8".into(), "hooks.internal".into()]).unwrap();
        assert!(g.check_static("https://10.9.8.7/hook").is_ok());
        assert!(g.allows("hooks.internal", "192.168.0.4".parse().unwrap()));
        assert!(!g.allows("other.internal", "192.168.0.4".parse().unwrap()));
    }

    #[test]
    fn sandbox_allows_http_and_loopback_only() {
        let g = Guard::new(true, &[]).unwrap();
        assert!(g.check_static("http://127.0.0.1:9000/hook").is_ok());
        assert!(g.check_static("http://192.168.1.1/hook").is_err());
        assert!(Guard::new(true, &["10.0.0.0/33".into()]).is_err());
    }
}
