//! Who the client is when a reverse proxy stands in front of the studio. `X-Forwarded-For` and
//! `X-Forwarded-Proto` are anyone's to send, so they are believed only from the peers listed in
//! `[server] trusted_proxies` of `strata.toml`; from anyone else the TCP peer is the client and
//! the connection is plain HTTP (the studio itself does not speak TLS).

use axum::http::HeaderMap;
use std::net::{IpAddr, SocketAddr};

/// An address range such as `127.0.0.1/32`, `10.0.0.0/8` or `::1/128`; a bare address is itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Network {
    base: IpAddr,
    prefix: u8,
}

impl std::str::FromStr for Network {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let (address, prefix) = text.split_once('/').map_or((text, None), |(a, p)| (a, Some(p)));
        let base: IpAddr =
            address.trim().parse().map_err(|_| format!("`{text}` is not an IP address or CIDR range"))?;
        let bits = if base.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => bits,
            Some(p) => p
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= bits)
                .ok_or_else(|| format!("`{text}`: the prefix length must be 0 to {bits}"))?,
        };
        Ok(Self { base, prefix })
    }
}

impl Network {
    pub fn contains(&self, address: IpAddr) -> bool {
        match (self.base, canonical(address)) {
            (IpAddr::V4(base), IpAddr::V4(address)) => {
                same_prefix(u32::from(base).into(), u32::from(address).into(), 32, self.prefix)
            }
            (IpAddr::V6(base), IpAddr::V6(address)) => {
                same_prefix(u128::from(base), u128::from(address), 128, self.prefix)
            }
            _ => false,
        }
    }
}

fn same_prefix(a: u128, b: u128, bits: u8, prefix: u8) -> bool {
    let shift = u32::from(bits - prefix);
    prefix == 0 || a >> shift == b >> shift
}

/// An IPv4 peer reached over an IPv6 socket (`::ffff:a.b.c.d`) as the IPv4 address it is.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
        v4 => v4,
    }
}

/// The client of one request, as far as it can be trusted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Client {
    pub address: IpAddr,
    /// Reached over HTTPS: only a trusted proxy can say so.
    pub https: bool,
}

#[derive(Clone, Debug, Default)]
pub struct TrustedProxies(Vec<Network>);

impl TrustedProxies {
    pub fn new(networks: Vec<Network>) -> Self {
        Self(networks)
    }

    fn trusts(&self, address: IpAddr) -> bool {
        self.0.iter().any(|n| n.contains(address))
    }

    /// From a trusted peer: the nearest address in `X-Forwarded-For` that is not itself a
    /// trusted proxy (addresses further left are the client's own claims), and HTTPS when the
    /// nearest `X-Forwarded-Proto` says so. From any other peer: the peer, over plain HTTP.
    pub fn client(&self, peer: SocketAddr, headers: &HeaderMap) -> Client {
        let peer = canonical(peer.ip());
        if !self.trusts(peer) {
            return Client { address: peer, https: false };
        }
        let forwarded: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        let mut address = peer;
        for hop in forwarded.iter().rev() {
            let Ok(hop) = hop.parse::<IpAddr>() else { break };
            address = canonical(hop);
            if !self.trusts(address) {
                break;
            }
        }
        let proto = headers.get_all("x-forwarded-proto").iter().filter_map(|v| v.to_str().ok()).next_back();
        let https = proto.and_then(|v| v.rsplit(',').next()).is_some_and(|v| v.trim().eq_ignore_ascii_case("https"));
        Client { address, https }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, value.parse().unwrap());
        }
        map
    }

    fn peer(text: &str) -> SocketAddr {
        SocketAddr::new(text.parse().unwrap(), 40000)
    }

    #[test]
    fn ranges_parse_and_match() {
        let net: Network = "10.1.0.0/16".parse().unwrap();
        assert!(net.contains("10.1.200.3".parse().unwrap()));
        assert!(!net.contains("10.2.0.1".parse().unwrap()));
        assert!(net.contains("::ffff:10.1.0.9".parse().unwrap()), "mapped IPv4");
        let one: Network = "::1".parse().unwrap();
        assert!(one.contains("::1".parse().unwrap()) && !one.contains("::2".parse().unwrap()));
        assert!("0.0.0.0/0".parse::<Network>().unwrap().contains("8.8.8.8".parse().unwrap()));
        assert_eq!("10.0.0.0/33".parse::<Network>(), Err("`10.0.0.0/33`: the prefix length must be 0 to 32".into()));
        assert!("localhost".parse::<Network>().is_err());
    }

    #[test]
    fn forwarded_headers_count_only_from_a_trusted_peer() {
        let proxies = TrustedProxies::new(vec!["127.0.0.1/32".parse().unwrap(), "10.0.0.0/8".parse().unwrap()]);
        let sent = headers(&[("x-forwarded-for", "6.6.6.6, 203.0.113.7, 10.0.0.2"), ("x-forwarded-proto", "https")]);
        assert_eq!(
            proxies.client(peer("127.0.0.1"), &sent),
            Client { address: "203.0.113.7".parse().unwrap(), https: true },
            "the nearest untrusted hop; the client's own claim (6.6.6.6) is ignored"
        );
        assert_eq!(
            proxies.client(peer("198.51.100.1"), &sent),
            Client { address: "198.51.100.1".parse().unwrap(), https: false },
            "an untrusted peer's headers are ignored"
        );
        assert_eq!(
            TrustedProxies::default().client(peer("127.0.0.1"), &sent),
            Client { address: "127.0.0.1".parse().unwrap(), https: false },
            "no proxy is trusted unless configured"
        );
        let garbage = headers(&[("x-forwarded-for", "nonsense"), ("x-forwarded-proto", "http")]);
        assert_eq!(
            proxies.client(peer("127.0.0.1"), &garbage),
            Client { address: "127.0.0.1".parse().unwrap(), https: false }
        );
    }
}
