//! CPU time of the calling thread and the process's resident memory, read from `/proc` (no
//! `unsafe`); `None` where the system does not have them.

use std::time::Duration;

/// CPU time the calling thread has used: the first field of `/proc/thread-self/schedstat`.
pub fn thread_cpu() -> Option<Duration> {
    // The kernel brings a running thread's total up to date only at a tick or a scheduling event,
    // so a read could lag by a whole tick: yielding is such an event.
    std::thread::yield_now();
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos: u64 = text.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanos))
}

/// A `kB` field of `/proc/self/status` (`VmRSS`, `VmHWM`), in bytes.
pub fn status_bytes(field: &str) -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/status").ok()?;
    text.lines().find_map(|line| {
        let rest = line.strip_prefix(field)?.strip_prefix(':')?;
        let kib: u64 = rest.trim().strip_suffix("kB")?.trim().parse().ok()?;
        Some(kib * 1024)
    })
}

/// The current resident set size.
pub fn resident() -> Option<u64> {
    status_bytes("VmRSS")
}

/// The peak resident set size of the process so far.
pub fn peak_resident() -> Option<u64> {
    status_bytes("VmHWM")
}

/// Starts the process's peak resident set (`VmHWM`) again from the current one, where the kernel
/// allows it (writing 5 to `/proc/self/clear_refs`); returns whether it did.
pub fn reset_peak_resident() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// The median of some durations (the upper one of an even count); zero for none.
pub fn median(values: &[Duration]) -> Duration {
    let mut sorted = values.to_vec();
    sorted.sort();
    sorted.get(sorted.len() / 2).copied().unwrap_or_default()
}

/// The lower quartile, the median and the upper quartile of some figures (each the value at its
/// rank in sorted order, as [`median`] takes it); `None` for none.
pub fn quartiles(values: &[f64]) -> Option<(f64, f64, f64)> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let at = |rank: usize| sorted.get(rank).copied();
    Some((
        at(sorted.len() / 4)?,
        at(sorted.len() / 2)?,
        at(sorted.len() * 3 / 4)?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quartiles_of_a_run_of_figures() {
        let figures: Vec<f64> = (1..=9).rev().map(f64::from).collect();
        assert_eq!(quartiles(&figures), Some((3.0, 5.0, 7.0)));
        assert_eq!(quartiles(&[4.0]), Some((4.0, 4.0, 4.0)));
        assert_eq!(quartiles(&[]), None);
    }

    #[test]
    fn medians_of_odd_and_even_counts() {
        let ms = Duration::from_millis;
        assert_eq!(median(&[ms(3), ms(1), ms(2)]), ms(2));
        assert_eq!(median(&[ms(4), ms(1), ms(2), ms(3)]), ms(3));
        assert_eq!(median(&[]), Duration::ZERO);
    }

    #[test]
    fn proc_readings_are_plausible_where_proc_exists() {
        if let Some(before) = thread_cpu() {
            let spun = (0..200_000u64).fold(0u64, |a, i| a ^ i.wrapping_mul(a | 1));
            std::hint::black_box(spun);
            assert!(thread_cpu().is_some_and(|after| after > before));
        }
        if let (Some(now), Some(peak)) = (resident(), peak_resident()) {
            assert!(peak >= now && now > 0);
        }
    }
}
