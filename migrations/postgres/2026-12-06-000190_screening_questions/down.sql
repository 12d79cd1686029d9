DROP TABLE screening_answers;
DROP TABLE screening_questions;
