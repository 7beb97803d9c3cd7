//! The cap on open connections per client IP address: one address cannot take all of the
//! server's file descriptors. A connection holds a [`Permit`] until it closes (a WebSocket
//! too, for as long as it is open).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

/// Open connections per address; `max == 0` means no cap (nothing is counted).
#[derive(Clone)]
pub struct AddressLimit {
    max: u32,
    open: Arc<Mutex<HashMap<IpAddr, u32>>>,
}

/// One open connection of an address; dropping it frees the place.
pub struct Permit {
    ip: IpAddr,
    open: Option<Arc<Mutex<HashMap<IpAddr, u32>>>>,
}

impl AddressLimit {
    pub fn new(max: u32) -> AddressLimit {
        AddressLimit { max, open: Arc::default() }
    }

    /// A place for one more connection from `ip`, or `None` when it has `max` open.
    pub fn acquire(&self, ip: IpAddr) -> Option<Permit> {
        if self.max == 0 {
            return Some(Permit { ip, open: None });
        }
        // An IPv4 client reaching an IPv6 socket is the same client as over IPv4.
        let ip = ip.to_canonical();
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let n = open.entry(ip).or_insert(0);
        if *n >= self.max {
            return None;
        }
        *n += 1;
        Some(Permit { ip, open: Some(self.open.clone()) })
    }

    /// Connections open from `ip` (for tests and logs).
    pub fn open_from(&self, ip: IpAddr) -> u32 {
        let open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        open.get(&ip.to_canonical()).copied().unwrap_or(0)
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        let Some(open) = self.open.take() else { return };
        let mut open = open.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = open.get_mut(&self.ip) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                open.remove(&self.ip);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_counts_per_address_and_frees_on_drop() {
        let limit = AddressLimit::new(2);
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        let p1 = limit.acquire(a).unwrap();
        let _p2 = limit.acquire(a).unwrap();
        assert!(limit.acquire(a).is_none());
        let mapped: IpAddr = "::ffff:10.0.0.1".parse().unwrap();
        assert!(limit.acquire(mapped).is_none(), "an IPv4-mapped address is the same client");
        assert!(limit.acquire(b).is_some());
        drop(p1);
        assert!(limit.acquire(a).is_some());
        assert_eq!(limit.open_from(b), 0);
    }

    #[test]
    fn zero_is_no_cap() {
        let limit = AddressLimit::new(0);
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let permits: Vec<_> = (0..1000).map(|_| limit.acquire(a).unwrap()).collect();
        assert_eq!(permits.len(), 1000);
    }
}
