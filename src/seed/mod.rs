//! Data for people and for load: `seed-demo` (a small living site) and
//! `gen-data` (a large, varied data set for benchmarks).

pub mod demo;
pub mod generate;
mod rows;
pub mod text;
pub mod words;

pub use demo::seed_demo;
pub use generate::{GenOptions, gen_data};

#[cfg(test)]
mod tests {
    #[test]
    fn every_generated_category_is_offered_by_the_form() {
        for family in super::words::FAMILIES {
            assert!(crate::domain::CATEGORIES.contains(&family.category), "{}", family.category);
        }
    }
}
