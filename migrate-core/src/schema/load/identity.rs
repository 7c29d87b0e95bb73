//! `identity = { generated = "always", start = 1000, increment = 10, ... }`: an identity with
//! the options of its sequence.

use toml::de::{DeTable, DeValue};

use super::{Cx, Entry, Sp, kind};
use crate::schema::model::{Identity, IdentityOptions};

/// The keys of an identity's inline table.
pub(super) const IDENTITY_KEYS: &[&str] = &[
    "generated",
    "start",
    "increment",
    "min",
    "max",
    "cycle",
    "cache",
    "sequence",
];

impl Cx<'_> {
    /// An identity written as an inline table: its kind (`generated`, "by default" unless
    /// said) and its sequence's options.
    pub(super) fn identity_table(
        &mut self,
        (_, val): Entry<'_, '_>,
        body: &DeTable<'_>,
    ) -> Option<(Sp<Identity>, Sp<IdentityOptions>)> {
        self.check_keys(body, IDENTITY_KEYS, "`identity`");
        let loc = self.loc(val.span());
        let mut id = Identity::ByDefault;
        let mut o = IdentityOptions::default();
        let mut ok = true;
        for entry in body.iter() {
            let key = entry.0.get_ref().as_ref();
            match key {
                "generated" => match self.identity(entry) {
                    Some(i) => id = i.value,
                    None => ok = false,
                },
                "cycle" => match self.boolean(entry) {
                    Some(b) => o.cycle = b.value,
                    None => ok = false,
                },
                "sequence" => match self.string(entry, "sequence = \"orders_id_seq\"") {
                    Some(s) => o.sequence = Some(s.value),
                    None => ok = false,
                },
                "start" | "increment" | "min" | "max" | "cache" => {
                    let Some(n) = self.identity_integer(entry) else {
                        ok = false;
                        continue;
                    };
                    match key {
                        "start" => o.start = Some(n),
                        "increment" => o.increment = Some(n),
                        "min" => o.min = Some(n),
                        "max" => o.max = Some(n),
                        _ => o.cache = Some(n),
                    }
                }
                _ => {}
            }
        }
        ok.then(|| {
            (
                Sp {
                    value: id,
                    loc: loc.clone(),
                },
                Sp { value: o, loc },
            )
        })
    }

    /// An integer that fits a `bigint`.
    fn identity_integer(&mut self, (key, val): Entry<'_, '_>) -> Option<i64> {
        if let DeValue::Integer(i) = val.get_ref()
            && let Ok(n) = i64::from_str_radix(&i.as_str().replace('_', ""), i.radix())
        {
            return Some(n);
        }
        self.err(
            "wrong-kind",
            val.span(),
            format!(
                "`{}` must be an integer, found {}",
                key.get_ref(),
                kind(val.get_ref())
            ),
            format!("write e.g. `{} = 1000`", key.get_ref()),
        );
        None
    }
}
