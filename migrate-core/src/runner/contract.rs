//! Contract steps (`-- migrate:contract`): the runner applies one only when asked, and only
//! once every migration before it (the expand step, its backfill) has finished.
//!
//! A contract step removes what the old code still uses (a column, a view, a trigger), so
//! `migrate up` stops before it: only the operator knows that every copy of the old code is
//! gone. `migrate up --contract` applies the contract steps in order with the rest;
//! `migrate contract VERSION` applies just that one.

use std::collections::{BTreeMap, HashSet};

use super::{Event, Options, RunError, Source, State, Status};
use crate::batch::Progress;

/// Which contract steps a run applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Contracts {
    /// Stop before the first pending contract step (`migrate up`).
    #[default]
    Hold,
    /// Apply contract steps in order with the other migrations (`migrate up --contract`).
    Apply,
    /// Apply only this contract step (`migrate contract VERSION`), once every migration before
    /// it is applied.
    Only(u64),
}

/// What a held contract step waits for, for people: the migrations before it that have not
/// finished (a backfill still walking its table), then the operator.
pub(crate) fn waits_for(s: &Source, unfinished: &[&Source]) -> String {
    waits_for_with(s, unfinished, &[])
}

/// [`waits_for`], with the progress of each unfinished backfill.
fn waits_for_with(s: &Source, unfinished: &[&Source], backfills: &[Progress]) -> String {
    let mut out = String::new();
    if !unfinished.is_empty() {
        let names: Vec<String> = unfinished
            .iter()
            .map(|u| {
                let name = format!("{}_{}", u.version, u.name);
                match backfills.iter().find(|p| p.version == u.version) {
                    Some(p) => format!(
                        "{name} (backfill {}{})",
                        p.state.as_str(),
                        p.percent()
                            .map(|pc| format!(", {pc:.1}% of `{}` walked", p.table))
                            .unwrap_or_default()
                    ),
                    None => name,
                }
            })
            .collect();
        out.push_str(&format!(
            "waits for {} to finish (`migrate up`), then ",
            names.join(", ")
        ));
    } else {
        out.push_str("waits for ");
    }
    out.push_str(&format!(
        "the old code to be gone: apply it with `migrate up --contract` or `migrate contract {}`",
        s.version
    ));
    out
}

/// The pending migrations this run applies, in order, and what to report once they are
/// applied: up to the first contract step ([`Contracts::Hold`], with an
/// [`Event::ContractHeld`] for each contract step left), all of them ([`Contracts::Apply`]),
/// or the one asked for ([`Contracts::Only`], refused while a migration before it is pending).
pub(crate) fn gate<'s>(
    pending: Vec<&'s Source>,
    sources: &'s [Source],
    done: &HashSet<u64>,
    opts: &Options,
) -> Result<(Vec<&'s Source>, Vec<Event>), RunError> {
    match opts.contracts {
        Contracts::Apply => Ok((pending, Vec::new())),
        Contracts::Hold => {
            let Some(first) = pending.iter().position(|s| s.contract) else {
                return Ok((pending, Vec::new()));
            };
            // Once this run has applied what comes before the first one, a contract step waits
            // for the operator, and for the migrations between it and an earlier contract step.
            let held = pending
                .iter()
                .enumerate()
                .skip(first)
                .filter(|(_, s)| s.contract)
                .map(|(i, s)| {
                    let unfinished: Vec<&Source> = pending[first..i]
                        .iter()
                        .copied()
                        .filter(|p| !p.contract)
                        .collect();
                    Event::ContractHeld {
                        version: s.version,
                        name: s.name.clone(),
                        waits_for: waits_for(s, &unfinished),
                    }
                })
                .collect();
            Ok((pending.into_iter().take(first).collect(), held))
        }
        Contracts::Only(v) => {
            let Some(s) = sources.iter().find(|s| s.version == v) else {
                return Err(RunError::UnknownVersion(v));
            };
            if !s.contract {
                return Err(RunError::NotContract {
                    version: v,
                    name: s.name.clone(),
                });
            }
            if done.contains(&v) {
                return Ok((Vec::new(), Vec::new()));
            }
            let unfinished: Vec<(u64, String)> = sources
                .iter()
                .filter(|o| o.version < v && !done.contains(&o.version))
                .map(|u| (u.version, u.name.clone()))
                .collect();
            if !unfinished.is_empty() {
                return Err(RunError::ContractWaits {
                    version: v,
                    name: s.name.clone(),
                    unfinished,
                });
            }
            Ok((vec![s], Vec::new()))
        }
    }
}

/// Says, on each pending contract step of `status`, what it waits for.
pub(crate) fn annotate(
    status: &mut BTreeMap<u64, Status>,
    sources: &[Source],
    backfills: &[Progress],
) {
    for s in sources.iter().filter(|s| s.contract) {
        let unfinished: Vec<&Source> = sources
            .iter()
            .filter(|o| {
                o.version < s.version
                    && !o.contract
                    && status
                        .get(&o.version)
                        .is_none_or(|st| st.state != State::Applied)
            })
            .collect();
        if let Some(st) = status.get_mut(&s.version)
            && st.state == State::Pending
        {
            st.help = Some(format!(
                "contract step: {}",
                waits_for_with(s, &unfinished, backfills)
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(version: u64, text: &str) -> Source {
        Source::new(version, &format!("m{version}"), text).unwrap()
    }

    #[test]
    fn up_stops_before_a_contract_and_says_what_it_waits_for() {
        let sources = vec![
            src(1, "SELECT 1;\n"),
            src(2, "-- migrate:contract\nSELECT 2;\n"),
            src(3, "SELECT 3;\n"),
        ];
        assert!(sources[1].contract && !sources[0].contract);
        let pending: Vec<&Source> = sources.iter().collect();
        let opts = Options::default();
        let (run, events) = gate(pending.clone(), &sources, &HashSet::new(), &opts).unwrap();
        assert_eq!(run.iter().map(|s| s.version).collect::<Vec<_>>(), vec![1]);
        let [
            Event::ContractHeld {
                version: 2,
                waits_for,
                ..
            },
        ] = events.as_slice()
        else {
            panic!("{events:?}")
        };
        assert!(
            waits_for.starts_with("waits for the old code"),
            "{waits_for}"
        );
        assert!(waits_for.contains("migrate contract 2"), "{waits_for}");

        let opts = Options {
            contracts: Contracts::Apply,
            ..Options::default()
        };
        let (run, _) = gate(pending, &sources, &HashSet::new(), &opts).unwrap();
        assert_eq!(run.len(), 3);
    }

    #[test]
    fn contract_version_waits_for_every_migration_before_it() {
        let sources = vec![
            src(1, "SELECT 1;\n"),
            src(2, "-- migrate:contract\nSELECT 2;\n"),
        ];
        let opts = Options {
            contracts: Contracts::Only(2),
            ..Options::default()
        };
        let pending: Vec<&Source> = sources.iter().collect();
        let err = gate(pending, &sources, &HashSet::new(), &opts).unwrap_err();
        assert!(
            matches!(&err, RunError::ContractWaits { unfinished, .. } if unfinished == &[(1, "m1".to_string())]),
            "{err:?}"
        );
        let done: HashSet<u64> = [1].into();
        let (run, _) = gate(vec![&sources[1]], &sources, &done, &opts).unwrap();
        assert_eq!(run.len(), 1);
        let opts = Options {
            contracts: Contracts::Only(1),
            ..Options::default()
        };
        let err = gate(vec![], &sources, &done, &opts).unwrap_err();
        assert!(matches!(err, RunError::NotContract { version: 1, .. }));
    }
}
