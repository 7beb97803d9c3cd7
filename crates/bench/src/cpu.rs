//! CPU time per unit of work: the server's, the bench's own and a local PostgreSQL's, read
//! from `/proc/<pid>/stat` before and after a scenario's measured window. Throughput moves
//! with whatever else the machine runs; CPU per message moves much less, so every change on
//! the hot paths is judged on these figures.

use std::collections::HashMap;
use std::time::Duration;

/// Linux reports `utime` and `stime` in USER_HZ ticks, which the kernel ABI fixes at 100 per
/// second for user space on every architecture Risala builds for.
const USER_HZ: u64 = 100;

/// User + system CPU time of a whole process (every thread, living or exited and joined), or
/// `None` when `/proc` cannot tell (no such process, not Linux).
pub fn process_cpu(pid: u32) -> Option<Duration> {
    parse_stat(&std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?)
}

/// The bench's own CPU time.
pub fn own_cpu() -> Option<Duration> {
    process_cpu(std::process::id())
}

/// The CPU time of every process of this machine whose command name is `postgres` (a local
/// PostgreSQL server's postmaster, backends and background processes), by pid.
fn postgres_cpu() -> HashMap<u32, Duration> {
    let Ok(dir) = std::fs::read_dir("/proc") else { return HashMap::new() };
    dir.filter_map(|e| {
        let pid: u32 = e.ok()?.file_name().to_str()?.parse().ok()?;
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        (command(&stat)? == "postgres").then_some(())?;
        Some((pid, parse_stat(&stat)?))
    })
    .collect()
}

/// The command name (field 2, in parentheses) of a `/proc/<pid>/stat` line.
fn command(stat: &str) -> Option<&str> {
    stat.get(stat.find('(')? + 1..stat.rfind(')')?)
}

/// `utime` and `stime` (fields 14 and 15) of a `/proc/<pid>/stat` line. The command name (field
/// 2) is in parentheses and may hold spaces or parentheses itself, so fields are counted from
/// the last `)`.
fn parse_stat(stat: &str) -> Option<Duration> {
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace();
    // `rest` starts at field 3 (state): utime is the 12th field after it.
    let utime: u64 = fields.nth(11)?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(Duration::from_millis((utime + stime) * 1000 / USER_HZ))
}

/// A scenario's CPU clock: started before the measured window, read after it.
pub struct Meter {
    /// Each server process measured and its CPU time at the start (several with `--nodes`).
    servers: Vec<(u32, Option<Duration>)>,
    bench: Option<Duration>,
    /// A local PostgreSQL's processes and their CPU time at the start, when it is measured.
    database: Option<HashMap<u32, Duration>>,
}

/// Microseconds of CPU per unit of work, for the server and for the bench (0 when unknown).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PerUnit {
    pub server_us: f64,
    pub bench_us: f64,
    /// A local PostgreSQL's processes together (0 when not measured).
    pub database_us: f64,
}

impl Meter {
    /// Start measuring the server processes `server_pids` (all the nodes whose pid is known;
    /// their CPU is added up), the bench itself, and with `database` the processes of the
    /// PostgreSQL server on this machine (every process called `postgres`: a backend that
    /// starts during the window counts whole, one that ends during it is not counted).
    pub fn start(server_pids: &[u32], database: bool) -> Meter {
        Meter {
            servers: server_pids.iter().map(|&pid| (pid, process_cpu(pid))).collect(),
            bench: own_cpu(),
            database: database.then(postgres_cpu),
        }
    }

    /// CPU spent since `start`, divided by `units` (messages, requests, page loads).
    pub fn per_unit(&self, units: u64) -> PerUnit {
        let spent = |before: Option<Duration>, now: Option<Duration>| match (before, now) {
            (Some(b), Some(n)) if units > 0 => n.saturating_sub(b).as_secs_f64() * 1e6 / units as f64,
            _ => 0.0,
        };
        PerUnit {
            server_us: self.servers.iter().map(|&(pid, before)| spent(before, process_cpu(pid))).sum(),
            bench_us: spent(self.bench, own_cpu()),
            database_us: match &self.database {
                Some(before) => postgres_cpu()
                    .into_iter()
                    .map(|(pid, now)| spent(Some(before.get(&pid).copied().unwrap_or_default()), Some(now)))
                    .sum(),
                None => 0.0,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_fields_after_the_command_name() {
        // A command name with a space and a parenthesis must not shift the fields.
        let line = "4242 (risala (x) y) S 1 4242 4242 0 -1 4194560 500 0 0 0 250 75 0 0 20 0 9 0 100 0 0";
        assert_eq!(parse_stat(line), Some(Duration::from_millis(3250)));
        assert_eq!(parse_stat("garbage"), None);
        assert_eq!(command(line), Some("risala (x) y"));
    }

    #[test]
    fn own_process_is_readable_and_counts_work() {
        let meter = Meter::start(&[std::process::id()], false);
        let before = own_cpu().expect("own /proc/self/stat");
        // Spin until the kernel has counted some CPU (a few ticks), bounded in time.
        let mut x = 0u64;
        let until = std::time::Instant::now() + Duration::from_secs(10);
        while own_cpu().is_some_and(|now| now < before + Duration::from_millis(50)) && std::time::Instant::now() < until
        {
            for _ in 0..100_000 {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            }
        }
        std::hint::black_box(x);
        let per = meter.per_unit(2);
        assert!(per.server_us >= 25_000.0 && per.bench_us >= 25_000.0, "{per:?}");
        assert_eq!(meter.per_unit(0), PerUnit::default());
    }
}
