//! CRM values: how the applicant list is sorted and filtered, the search
//! words, and the checked fields of an applicant added or edited by hand.

use std::str::FromStr;

use super::{ApplicantStatus, DisplayText, Email, EmploymentType, Stage};

/// The order of the applicant list (`sort=` in the URL).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ApplicantSort {
    #[default]
    Newest,
    Oldest,
    /// By name, A to Z.
    Name,
    /// By pipeline stage (applied first), newest first within a stage.
    Stage,
    /// Most recently changed first.
    Updated,
}

impl ApplicantSort {
    pub const ALL: &'static [ApplicantSort] = &[
        ApplicantSort::Newest,
        ApplicantSort::Oldest,
        ApplicantSort::Name,
        ApplicantSort::Stage,
        ApplicantSort::Updated,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            ApplicantSort::Newest => "newest",
            ApplicantSort::Oldest => "oldest",
            ApplicantSort::Name => "name",
            ApplicantSort::Stage => "stage",
            ApplicantSort::Updated => "updated",
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            ApplicantSort::Newest => "Newest first",
            ApplicantSort::Oldest => "Oldest first",
            ApplicantSort::Name => "Name (A–Z)",
            ApplicantSort::Stage => "Pipeline stage",
            ApplicantSort::Updated => "Recently updated",
        }
    }
}

impl FromStr for ApplicantSort {
    type Err = super::UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ApplicantSort::ALL.iter().copied().find(|v| v.as_str() == s).ok_or(super::UnknownValue("sort order"))
    }
}

/// Whose applicants (`assignee=` in the URL): anyone's, nobody's, or one user's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AssigneeFilter {
    #[default]
    Any,
    Nobody,
    User(i64),
}

/// The words of a search box, split the way both full-text indexes split
/// text: letters and digits only, lower-case. Each term (what the user
/// separated with spaces) is a list of tokens (`ann.lee@x.com` gives four),
/// matched as a phrase. Empty when nothing searchable was typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchTerms(Vec<Vec<String>>);

impl SearchTerms {
    pub const MAX_CHARS: usize = 200;
    const MAX_TERMS: usize = 8;

    /// None when the text holds nothing to search for.
    pub fn parse(raw: &str) -> Option<SearchTerms> {
        let raw: String = raw.chars().take(Self::MAX_CHARS).collect();
        let terms: Vec<Vec<String>> = raw
            .split_whitespace()
            .map(|term| {
                term.split(|c: char| !c.is_alphanumeric())
                    .filter(|t| !t.is_empty())
                    .map(|t| t.to_lowercase())
                    .take(8)
                    .collect::<Vec<_>>()
            })
            .filter(|tokens| !tokens.is_empty())
            .take(Self::MAX_TERMS)
            .collect();
        if terms.is_empty() { None } else { Some(SearchTerms(terms)) }
    }

    pub fn terms(&self) -> &[Vec<String>] {
        &self.0
    }
}

/// The consent a seeker gives with an application, stored with it as shown.
pub fn consent_text(company: &str) -> String {
    format!(
        "I agree that {company} and JobConnect store and use the data of this application (my details, resume, \
         cover letter and answers) to consider me for this job and to contact me about it. I can withdraw the \
         application, download my data or erase my account at any time."
    )
}

/// Where a move form points: a stage category (`interview`) or one of the
/// company's own steps (`step-12`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoveTarget {
    Stage(Stage),
    Step(i64),
}

impl MoveTarget {
    pub fn parse(raw: &str) -> Option<MoveTarget> {
        let raw = raw.trim();
        match raw.strip_prefix("step-") {
            Some(id) => id.parse::<i64>().ok().filter(|id| *id > 0).map(MoveTarget::Step),
            None => raw.parse::<Stage>().ok().map(MoveTarget::Stage),
        }
    }

    /// As a form sends it.
    pub fn value(&self) -> String {
        match self {
            MoveTarget::Stage(stage) => stage.as_str().to_string(),
            MoveTarget::Step(id) => format!("step-{id}"),
        }
    }
}

/// A tag on an applicant: a company's own word for a group of candidates
/// ("senior", "relocation", "c++"). Lower-case, spaces collapsed, 1 to 30
/// letters, digits, spaces and `- _ . + #`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Tag(String);

impl Tag {
    pub const MAX_CHARS: usize = 30;
    /// Tags one applicant may carry.
    pub const MAX_PER_APPLICANT: usize = 20;

    pub fn parse(raw: &str) -> Result<Tag, String> {
        let value = raw.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
        if value.is_empty() {
            return Err("Write the tag first.".into());
        }
        if value.chars().count() > Self::MAX_CHARS {
            return Err(format!("A tag has at most {} characters.", Self::MAX_CHARS));
        }
        if !value.chars().all(|c| c.is_alphanumeric() || " -_.+#".contains(c)) {
            return Err("A tag holds letters, digits, spaces and - _ . + # only.".into());
        }
        Ok(Tag(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Years of experience: empty, or a whole number from 0 to 70.
pub fn parse_years(raw: &str) -> Result<Option<i32>, String> {
    let value = raw.trim();
    if value.is_empty() {
        return Ok(None);
    }
    match value.parse::<i32>() {
        Ok(n) if (0..=70).contains(&n) => Ok(Some(n)),
        _ => Err("Enter a whole number of years from 0 to 70.".into()),
    }
}

/// An optional single-line text of at most `max` characters.
pub fn parse_optional_text(raw: &str, max: usize) -> Result<String, String> {
    if raw.trim().is_empty() {
        return Ok(String::new());
    }
    DisplayText::parse(raw, 1, max).map(DisplayText::into_inner)
}

/// The body of a note: 1 to 5,000 characters (`text::multiline`).
pub fn parse_note(raw: &str) -> Result<String, String> {
    let value = super::text::multiline(raw)?;
    if value.is_empty() {
        return Err("Write something before adding the note.".into());
    }
    if value.chars().count() > 5000 {
        return Err("A note has at most 5,000 characters.".into());
    }
    Ok(value)
}

/// The checked fields of an applicant added or edited by hand.
#[derive(Debug, Clone)]
pub struct ApplicantFields {
    pub name: String,
    pub email: String,
    pub phone: String,
    pub current_company: String,
    pub position: String,
    pub location: String,
    pub years_experience: Option<i32>,
    pub status: ApplicantStatus,
    pub employment_type: EmploymentType,
}

/// The raw text of those fields, as a form sends them.
pub struct RawApplicantFields<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub phone: &'a str,
    pub current_company: &'a str,
    pub position: &'a str,
    pub location: &'a str,
    pub years_experience: &'a str,
    pub status: &'a str,
    pub employment_type: &'a str,
}

impl ApplicantFields {
    /// Checks every field and reports each bad one by its form name.
    pub fn parse(raw: &RawApplicantFields) -> Result<ApplicantFields, Vec<(&'static str, String)>> {
        let mut errors: Vec<(&'static str, String)> = Vec::new();
        let mut check = |field: &'static str, r: Result<String, String>| match r {
            Ok(v) => v,
            Err(e) => {
                errors.push((field, e));
                String::new()
            }
        };
        let name = check("name", DisplayText::parse(raw.name, 1, 120).map(DisplayText::into_inner));
        let email = check(
            "email",
            if raw.email.trim().is_empty() {
                Ok(String::new())
            } else {
                Email::parse(raw.email).map(|e| e.as_str().to_string()).map_err(String::from)
            },
        );
        let phone = check("phone", super::phone::parse(raw.phone));
        let current_company = check("current_company", parse_optional_text(raw.current_company, 120));
        let position = check("position", parse_optional_text(raw.position, 120));
        let location = check("location", parse_optional_text(raw.location, 120));
        let years_experience = match parse_years(raw.years_experience) {
            Ok(v) => v,
            Err(e) => {
                errors.push(("years_experience", e));
                None
            }
        };
        let status = raw.status.parse::<ApplicantStatus>().map_err(|_| ());
        if status.is_err() {
            errors.push(("status", "Choose open, pending or closed.".into()));
        }
        let employment_type = raw.employment_type.parse::<EmploymentType>().map_err(|_| ());
        if employment_type.is_err() {
            errors.push(("employment_type", "Choose an employment type.".into()));
        }
        match (status, employment_type) {
            (Ok(status), Ok(employment_type)) if errors.is_empty() => Ok(ApplicantFields {
                name,
                email,
                phone,
                current_company,
                position,
                location,
                years_experience,
                status,
                employment_type,
            }),
            _ => Err(errors),
        }
    }
}

/// Where a stage sits in the pipeline, for sorting (applied = 0 … rejected = 5).
pub fn stage_rank(stage: Stage) -> usize {
    Stage::ALL.iter().position(|s| *s == stage).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn move_targets_are_stages_or_steps() {
        assert_eq!(MoveTarget::parse(" interview "), Some(MoveTarget::Stage(Stage::Interview)));
        assert_eq!(MoveTarget::parse("step-12"), Some(MoveTarget::Step(12)));
        assert_eq!(MoveTarget::Step(12).value(), "step-12");
        for bad in ["", "step-", "step-0", "step--1", "step-x", "party", "12"] {
            assert_eq!(MoveTarget::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn tags_are_lower_case_words() {
        assert_eq!(Tag::parse("  Senior   C++ ").unwrap().as_str(), "senior c++");
        assert_eq!(Tag::parse("Node.js").unwrap().as_str(), "node.js");
        assert!(Tag::parse("   ").is_err());
        assert!(Tag::parse("<script>").is_err());
        assert!(Tag::parse("a,b").is_err());
        assert!(Tag::parse(&"x".repeat(31)).is_err());
        assert!(Tag::parse(&"é".repeat(30)).is_ok());
    }

    #[test]
    fn search_terms_split_like_the_indexes() {
        assert_eq!(SearchTerms::parse("   "), None);
        assert_eq!(SearchTerms::parse("\"*'()"), None);
        let t = SearchTerms::parse("Ann.Lee@Example.com  Rust\"* OR").unwrap();
        assert_eq!(
            t.terms(),
            &[
                vec!["ann".to_string(), "lee".into(), "example".into(), "com".into()],
                vec!["rust".into()],
                vec!["or".into()]
            ]
        );
    }

    #[test]
    fn years_are_checked() {
        assert_eq!(parse_years("").unwrap(), None);
        assert_eq!(parse_years("12").unwrap(), Some(12));
        assert!(parse_years("-1").is_err());
        assert!(parse_years("71").is_err());
        assert!(parse_years("ten").is_err());
    }

    #[test]
    fn notes_keep_line_breaks_but_not_control_characters() {
        assert_eq!(parse_note(" a\r\nb ").unwrap(), "a\nb");
        assert!(parse_note("  ").is_err());
        assert!(parse_note("a\u{0}b").is_err());
    }

    #[test]
    fn fields_report_every_bad_one() {
        let raw = RawApplicantFields {
            name: "",
            email: "nope",
            phone: "x",
            current_company: "",
            position: "",
            location: "",
            years_experience: "200",
            status: "bogus",
            employment_type: "full_time",
        };
        let errors = ApplicantFields::parse(&raw).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["name", "email", "phone", "years_experience", "status"]);
    }
}
