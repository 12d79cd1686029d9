//! Where a job is: a city, a region and an ISO 3166-1 country for a job done
//! on site, and the countries a remote candidate may live in. Countries come
//! from the `celes` crate (ISO 3166-1, MIT/Apache-2.0): employers type or
//! pick a name, an alias ("UK", "Holland") or a code, and the ISO code is
//! stored; Google for Jobs reads the codes from the job page's JSON-LD.

use std::sync::LazyLock;

use super::RemoteMode;

/// Names people write that the ISO tables do not list.
const ALIASES: &[(&str, &str)] = &[("uk", "GB"), ("britain", "GB"), ("uae", "AE"), ("unitedstates", "US")];

/// The most countries a remote job may name.
pub const MAX_REMOTE_COUNTRIES: usize = 30;

fn key(name: &str) -> String {
    name.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// The ISO alpha-2 code of a country name, alias or code; None when unknown.
pub fn country_code(text: &str) -> Option<&'static str> {
    let key = key(text.trim().trim_start_matches("the ").trim_start_matches("The "));
    if key.is_empty() {
        return None;
    }
    if let Some((_, code)) = ALIASES.iter().find(|(alias, _)| *alias == key) {
        return Some(code);
    }
    let country: celes::Country = key.parse().ok()?;
    Some(country.alpha2)
}

/// A readable English name of an ISO code ("GB": "United Kingdom of Great
/// Britain and Northern Ireland").
pub fn country_name(code: &str) -> Option<String> {
    let country = celes::Country::from_alpha2(code).ok()?;
    let name = country.long_name.strip_prefix("The ").unwrap_or(country.long_name);
    let words: Vec<String> = name
        .split(' ')
        .map(|w| match w {
            "Of" | "And" | "The" | "Da" | "Du" => w.to_lowercase(),
            _ => w.to_string(),
        })
        .collect();
    Some(words.join(" "))
}

/// Every country as (code, name), by name: the job form's list.
pub static COUNTRIES: LazyLock<Vec<(&'static str, String)>> = LazyLock::new(|| {
    let mut all: Vec<(&'static str, String)> =
        celes::Country::get_countries().iter().filter_map(|c| Some((c.alpha2, country_name(c.alpha2)?))).collect();
    all.sort_by(|a, b| a.1.cmp(&b.1));
    all
});

/// A job's place, checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Place {
    pub city: String,
    pub region: String,
    /// ISO alpha-2, or empty (remote jobs need none).
    pub country: String,
    /// Where remote candidates may live: ISO alpha-2 codes (empty: anywhere).
    pub remote_countries: Vec<String>,
    /// How the place reads on cards and in search ("Berlin, Germany",
    /// "Remote (Germany, Austria)"): the employer's own words.
    pub label: String,
}

impl Place {
    /// The stored form of `remote_countries` ("DE AT").
    pub fn remote_codes(&self) -> String {
        self.remote_countries.join(" ")
    }
}

/// Reads the form: the place of a job done on site (or hybrid) needs a city
/// and a country; a remote job may name the countries its people may live in.
pub fn parse(
    remote: RemoteMode,
    city: &str,
    region: &str,
    country: &str,
    remote_countries: &str,
) -> Result<Place, Vec<(&'static str, String)>> {
    let mut errors = Vec::new();
    let (city, region, country_text) = (city.trim(), region.trim(), country.trim());
    for (field, value) in [("city", city), ("region", region)] {
        if value.chars().count() > 60 || value.chars().any(char::is_control) {
            errors.push((field, "Use at most 60 letters, without line breaks.".to_string()));
        }
    }
    let code = match country_text {
        "" => None,
        text => match country_code(text) {
            Some(code) => Some(code),
            None => {
                errors.push(("country", format!("“{text}” is not a country we know: choose one from the list.")));
                None
            }
        },
    };
    let on_site = remote != RemoteMode::Remote;
    if on_site && city.is_empty() {
        errors.push(("city", "Enter the city where the work is done.".to_string()));
    }
    if on_site && country_text.is_empty() {
        errors.push(("country", "Choose the country where the work is done.".to_string()));
    }
    let mut codes: Vec<String> = Vec::new();
    let mut typed: Vec<&str> = Vec::new();
    if remote == RemoteMode::Remote {
        for text in remote_countries.split([',', ';', '\n']).map(str::trim).filter(|t| !t.is_empty()) {
            match country_code(text) {
                Some(code) if !codes.iter().any(|c| c == code) => {
                    codes.push(code.to_string());
                    typed.push(text);
                }
                Some(_) => {}
                None => errors.push((
                    "remote_countries",
                    format!("“{text}” is not a country we know: name countries, separated by commas."),
                )),
            }
        }
        if codes.len() > MAX_REMOTE_COUNTRIES {
            errors.push(("remote_countries", format!("Name at most {MAX_REMOTE_COUNTRIES} countries.")));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let label = match remote {
        RemoteMode::Remote if typed.is_empty() => "Remote".to_string(),
        RemoteMode::Remote => format!("Remote ({})", typed.join(", ")),
        _ => [city, region, country_text].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(", "),
    };
    Ok(Place {
        city: city.to_string(),
        region: region.to_string(),
        country: code.unwrap_or_default().to_string(),
        remote_countries: codes,
        label,
    })
}

/// The country as the form shows it again: as the employer wrote it in the
/// label ("London, UK") when that still names the stored code, else its name.
pub fn country_text(label: &str, code: &str) -> String {
    let last = label.rsplit(',').next().unwrap_or_default().trim();
    if !code.is_empty() && country_code(last) == Some(code) {
        return last.to_string();
    }
    country_name(code).unwrap_or_default()
}

/// The remote countries as the form shows them again ("Germany, Austria").
pub fn remote_text(label: &str, codes: &str) -> String {
    let codes: Vec<&str> = codes.split_whitespace().collect();
    let inner = label.find('(').and_then(|open| label[open + 1..].strip_suffix(')')).unwrap_or_default();
    let typed: Vec<&str> = inner.split(',').map(str::trim).filter(|t| !t.is_empty()).collect();
    if typed.len() == codes.len() && typed.iter().zip(&codes).all(|(t, c)| country_code(t) == Some(c)) {
        return typed.join(", ");
    }
    codes.iter().filter_map(|c| country_name(c)).collect::<Vec<_>>().join(", ")
}

/// The best reading of a free-text location written before places were
/// structured ("Berlin, Germany", "Remote (Germany, Austria)", "Munich"):
/// what it cannot place stays in the label, as it was.
pub fn from_text(remote: RemoteMode, text: &str) -> Place {
    let text = text.trim();
    let mut place = Place { label: text.to_string(), ..Place::default() };
    if remote == RemoteMode::Remote || text.to_lowercase().starts_with("remote") {
        let inner = text.find('(').and_then(|open| Some(&text[open + 1..open + 1 + text[open + 1..].find(')')?]));
        if let Some(inner) = inner {
            let codes: Vec<&str> = inner.split([',', ';', '/']).filter_map(country_code).collect();
            if !codes.is_empty() && codes.len() == inner.split([',', ';', '/']).count() {
                place.remote_countries = codes.into_iter().map(str::to_string).collect();
            }
        }
        if remote == RemoteMode::Remote {
            return place;
        }
    }
    let parts: Vec<&str> = text.split(',').map(str::trim).filter(|p| !p.is_empty()).collect();
    match parts.as_slice() {
        [] => {}
        [only] => match country_code(only) {
            Some(code) => place.country = code.into(),
            None => place.city = only.to_string(),
        },
        [first, middle @ .., last] => {
            place.city = first.to_string();
            match country_code(last) {
                Some(code) => {
                    place.country = code.into();
                    place.region = middle.join(", ");
                }
                None => place.region = [middle, &[*last]].concat().join(", "),
            }
        }
    }
    place
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_are_read_by_name_alias_or_code() {
        for (text, code) in [("Germany", "DE"), ("de", "DE"), ("DEU", "DE"), ("United Kingdom", "GB"), ("UK", "GB")] {
            assert_eq!(country_code(text), Some(code), "{text}");
        }
        for (text, code) in [("USA", "US"), ("United States", "US"), ("the Netherlands", "NL"), ("Holland", "NL")] {
            assert_eq!(country_code(text), Some(code), "{text}");
        }
        assert_eq!(country_code("Atlantis"), None);
        assert_eq!(country_code(""), None);
        assert_eq!(country_name("DE").as_deref(), Some("Germany"));
        assert!(COUNTRIES.len() > 240 && COUNTRIES.iter().any(|(c, _)| *c == "GB"));
    }

    #[test]
    fn a_form_place_is_checked_and_labelled() {
        let p = parse(RemoteMode::Onsite, "Berlin", "", "Germany", "").unwrap();
        assert_eq!((p.city.as_str(), p.country.as_str(), p.label.as_str()), ("Berlin", "DE", "Berlin, Germany"));
        let p = parse(RemoteMode::Remote, "", "", "", "Germany, austria, DE").unwrap();
        assert_eq!((p.remote_codes(), p.label), ("DE AT".to_string(), "Remote (Germany, austria)".to_string()));
        assert_eq!(parse(RemoteMode::Remote, "", "", "", "").unwrap().label, "Remote");
        let errors = parse(RemoteMode::Hybrid, "", "", "Atlantis", "").unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, vec!["country", "city"]);
        assert!(parse(RemoteMode::Remote, "", "", "", "France, Narnia").is_err());
    }

    #[test]
    fn old_free_text_is_read_as_well_as_it_can_be() {
        let p = from_text(RemoteMode::Onsite, "Berlin, Germany");
        assert_eq!((p.city.as_str(), p.region.as_str(), p.country.as_str()), ("Berlin", "", "DE"));
        let p = from_text(RemoteMode::Hybrid, "Austin, Texas, USA");
        assert_eq!((p.city.as_str(), p.region.as_str(), p.country.as_str()), ("Austin", "Texas", "US"));
        let p = from_text(RemoteMode::Remote, "Remote (Germany, Austria)");
        assert_eq!(p.remote_countries, vec!["DE", "AT"]);
        let p = from_text(RemoteMode::Remote, "Remote (Europe)");
        assert!(p.remote_countries.is_empty() && p.label == "Remote (Europe)", "a region is no country list");
        assert_eq!(country_text("London, UK", "GB"), "UK");
        assert_eq!(country_text("London", "GB"), "United Kingdom of Great Britain and Northern Ireland");
        assert_eq!(remote_text("Remote (Germany, austria)", "DE AT"), "Germany, austria");
        assert_eq!(remote_text("Remote", "DE"), "Germany");
        let p = from_text(RemoteMode::Onsite, "Munich");
        assert_eq!((p.city.as_str(), p.country.as_str(), p.label.as_str()), ("Munich", "", "Munich"));
    }
}
