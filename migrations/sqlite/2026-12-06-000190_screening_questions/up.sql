-- Screening questions a job asks on apply (domain::QuestionKind: yes_no,
-- text, number) and each application's answers. A "knock-out" answer (the
-- yes/no answer named in `knockout`, or a number below it) flags the
-- applicant for a person to decide; it never rejects by itself.
CREATE TABLE screening_questions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id BIGINT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    prompt TEXT NOT NULL,
    kind TEXT NOT NULL,
    knockout TEXT,
    required BOOLEAN NOT NULL DEFAULT TRUE,
    position INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX screening_questions_job ON screening_questions (job_id, position);
CREATE TABLE screening_answers (
    applicant_id BIGINT NOT NULL REFERENCES applicants (id) ON DELETE CASCADE,
    question_id BIGINT NOT NULL REFERENCES screening_questions (id) ON DELETE CASCADE,
    answer TEXT NOT NULL,
    knocked_out BOOLEAN NOT NULL,
    PRIMARY KEY (applicant_id, question_id)
);
