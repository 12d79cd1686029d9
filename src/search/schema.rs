//! What the index holds of a job, and how its words are cut.

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer,
};
use tantivy::{TantivyDocument, Term};
use time::PrimitiveDateTime;

use crate::db::jobs::IndexRow;
use crate::domain::{RemoteMode, gazetteer};

/// `remote_in` of a remote job open to people anywhere.
pub const ANYWHERE: &str = "*";

/// Moved whenever the fields or the analysers change: an index built with
/// another layout is rebuilt at start.
pub const LAYOUT: u32 = 4;

/// Words as written (lower case, accents folded): for typos and prefixes.
pub const WORDS: &str = "jc_words";
/// Words reduced to their stem ("developers" → "develop"): for ranking.
pub const STEMS: &str = "jc_stems";

pub fn words_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

pub fn stems_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// The fields of the index.
#[derive(Clone)]
pub struct Fields {
    pub schema: Schema,
    pub id: Field,
    /// The title's stems (ranked highest); the title is stored for suggestions.
    pub title: Field,
    /// The title's words as written (typos, search-as-you-type).
    pub title_words: Field,
    /// Description, company and place, as stems.
    pub body: Field,
    /// The same words as written (typos, search-as-you-type).
    pub body_words: Field,
    /// The place's words: location, city, region, country code and name.
    pub place: Field,
    pub company: Field,
    /// The company's name as written (stored): suggestions.
    pub company_name: Field,
    pub remote: Field,
    pub kind: Field,
    pub category: Field,
    pub country: Field,
    /// The GeoNames id of the job's city (`domain::gazetteer`), if known.
    pub city: Field,
    /// For a remote job, the countries its people may live in ("*": any).
    pub remote_in: Field,
    /// Yearly pay in the site's currency (0: not stated).
    pub pay: Field,
    /// Seconds since 1970 (UTC).
    pub published: Field,
    /// Seconds since 1970 (UTC); i64::MAX when the job has no closing date.
    pub closes: Field,
    /// Newest first in one number: published seconds, then the id.
    pub newest: Field,
    /// Highest pay first in one number: pay, then published seconds.
    pub pay_order: Field,
}

fn text(analyzer: &str, record: IndexRecordOption) -> TextOptions {
    TextOptions::default()
        .set_indexing_options(TextFieldIndexing::default().set_tokenizer(analyzer).set_index_option(record))
}

impl Fields {
    pub fn new() -> Self {
        let mut b = Schema::builder();
        let id = b.add_u64_field("id", INDEXED | STORED | FAST);
        let title = b.add_text_field("title", text(STEMS, IndexRecordOption::WithFreqs).set_stored());
        let title_words = b.add_text_field("title_words", text(WORDS, IndexRecordOption::Basic));
        let body = b.add_text_field("body", text(STEMS, IndexRecordOption::WithFreqs));
        let body_words = b.add_text_field("body_words", text(WORDS, IndexRecordOption::Basic));
        let place = b.add_text_field("place", text(WORDS, IndexRecordOption::Basic));
        let company = b.add_u64_field("company", INDEXED | FAST);
        let company_name = b.add_text_field("company_name", text(WORDS, IndexRecordOption::Basic).set_stored());
        let remote = b.add_text_field("remote", STRING | FAST);
        let kind = b.add_text_field("kind", STRING | FAST);
        let category = b.add_text_field("category", STRING | FAST);
        let country = b.add_text_field("country", STRING | FAST);
        let city = b.add_text_field("city", STRING);
        let remote_in = b.add_text_field("remote_in", STRING);
        let pay = b.add_i64_field("pay", INDEXED | FAST);
        let published = b.add_i64_field("published", INDEXED | FAST);
        let closes = b.add_i64_field("closes", INDEXED | FAST);
        let newest = b.add_i64_field("newest", FAST);
        let pay_order = b.add_i64_field("pay_order", FAST);
        Fields {
            schema: b.build(),
            id,
            title,
            title_words,
            body,
            body_words,
            place,
            company,
            company_name,
            remote,
            kind,
            category,
            country,
            city,
            remote_in,
            pay,
            published,
            closes,
            newest,
            pay_order,
        }
    }

    pub fn id_term(&self, id: i64) -> Term {
        Term::from_field_u64(self.id, id as u64)
    }

    /// The document of an open job.
    pub fn document(&self, (job, company): &IndexRow) -> TantivyDocument {
        let mut doc = TantivyDocument::default();
        doc.add_u64(self.id, job.id as u64);
        doc.add_text(self.title, &job.title);
        doc.add_text(self.title_words, &job.title);
        let country_name = crate::domain::place::country_name(&job.country).unwrap_or_default();
        let place = [job.location.as_str(), &job.city, &job.region, &job.country, &country_name].join(" ");
        for field in [self.body, self.body_words] {
            doc.add_text(field, &job.description);
            doc.add_text(field, company);
            doc.add_text(field, &place);
        }
        doc.add_text(self.place, &place);
        doc.add_u64(self.company, job.company_id as u64);
        doc.add_text(self.company_name, company);
        doc.add_text(self.remote, job.remote.as_str());
        doc.add_text(self.kind, job.employment_type.as_str());
        doc.add_text(self.category, &job.category);
        // Where the job is, and for remote jobs where its people may live.
        for code in std::iter::once(job.country.as_str()).chain(job.remote_countries.split_whitespace()) {
            if !code.is_empty() {
                doc.add_text(self.country, code);
            }
        }
        let city = if job.city.is_empty() { job.location.split(',').next().unwrap_or("") } else { &job.city };
        if job.remote != RemoteMode::Remote
            && let Some(city) = gazetteer::locate(city, &job.country)
        {
            doc.add_text(self.city, city.id.to_string());
        }
        if job.remote == RemoteMode::Remote {
            let mut allowed = job.remote_countries.split_whitespace().peekable();
            if allowed.peek().is_none() {
                doc.add_text(self.remote_in, ANYWHERE);
            }
            for code in allowed {
                doc.add_text(self.remote_in, code);
            }
        }
        doc.add_i64(self.pay, job.pay_yearly.unwrap_or(0));
        let published = seconds(job.published_at.unwrap_or(job.created_at)).clamp(0, u32::MAX as i64 >> 1);
        doc.add_i64(self.published, published);
        // One fast-field read orders a document (ties: the larger id, the newer).
        doc.add_i64(self.newest, (published << 32) | (job.id & 0xFFFF_FFFF));
        let pay = job.pay_yearly.unwrap_or(0).clamp(0, u32::MAX as i64 >> 1);
        doc.add_i64(self.pay_order, (pay << 31) | published);
        doc.add_i64(self.closes, job.closes_at.map(seconds).unwrap_or(i64::MAX));
        doc
    }
}

pub fn seconds(t: PrimitiveDateTime) -> i64 {
    t.assume_utc().unix_timestamp()
}
