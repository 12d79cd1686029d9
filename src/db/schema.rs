//! The portable schema (hand-written: only types both backends share).
//! Columns used only by one backend's SQL (full-text search) are not listed.

diesel::table! {
    companies (id) {
        id -> BigInt,
        name -> Text,
        slug -> Text,
        website -> Text,
        description -> Text,
        location -> Text,
        logo_path -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        pay_rule -> Text,
        retention_days -> Nullable<Integer>,
        timezone -> Text,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        email -> Text,
        username -> Text,
        password_hash -> Text,
        role -> Text,
        company_id -> Nullable<BigInt>,
        display_name -> Text,
        headline -> Text,
        location -> Text,
        phone -> Text,
        skills -> Text,
        avatar_path -> Nullable<Text>,
        is_active -> Bool,
        session_epoch -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        last_login_at -> Nullable<Timestamp>,
        email_confirmed -> Bool,
        company_role -> Text,
        timezone -> Text,
    }
}

diesel::table! {
    login_failures (id) {
        id -> BigInt,
        login_key -> Text,
        ip -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        actor_id -> Nullable<BigInt>,
        action -> Text,
        target_type -> Text,
        target_id -> Nullable<BigInt>,
        detail -> Text,
        ip -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    data_fixes (name) {
        name -> Text,
        done_at -> Timestamp,
    }
}

diesel::table! {
    jobs (id) {
        id -> BigInt,
        company_id -> BigInt,
        created_by -> Nullable<BigInt>,
        title -> Text,
        description -> Text,
        location -> Text,
        remote -> Text,
        employment_type -> Text,
        category -> Text,
        salary_min -> Nullable<BigInt>,
        salary_max -> Nullable<BigInt>,
        salary_currency -> Text,
        salary_period -> Text,
        status -> Text,
        closes_at -> Nullable<Timestamp>,
        published_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        closed_by_admin -> Bool,
        city -> Text,
        region -> Text,
        country -> Text,
        remote_countries -> Text,
        pay_yearly -> Nullable<BigInt>,
    }
}

diesel::table! {
    saved_jobs (user_id, job_id) {
        user_id -> BigInt,
        job_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    job_alerts (id) {
        id -> BigInt,
        user_id -> BigInt,
        query -> Text,
        last_job_id -> BigInt,
        last_sent_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    seeker_preferences (user_id) {
        user_id -> BigInt,
        employment_types -> Text,
        locations -> Text,
        remote -> Text,
        salary_min -> Nullable<BigInt>,
        categories -> Text,
        updated_at -> Timestamp,
        titles -> Text,
    }
}

diesel::table! {
    resumes (id) {
        id -> BigInt,
        user_id -> Nullable<BigInt>,
        file_name -> Text,
        stored_name -> Text,
        size_bytes -> BigInt,
        text_content -> Text,
        created_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    applicants (id) {
        id -> BigInt,
        company_id -> BigInt,
        job_id -> Nullable<BigInt>,
        seeker_id -> Nullable<BigInt>,
        resume_id -> Nullable<BigInt>,
        assignee_id -> Nullable<BigInt>,
        name -> Text,
        email -> Text,
        phone -> Text,
        current_company -> Text,
        position -> Text,
        location -> Text,
        years_experience -> Nullable<Integer>,
        status -> Text,
        employment_type -> Text,
        stage -> Text,
        source -> Text,
        cover_letter -> Text,
        withdrawn_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        rejection_reason -> Nullable<Text>,
        step_id -> Nullable<BigInt>,
        merged_into -> Nullable<BigInt>,
        merged_at -> Nullable<Timestamp>,
        consent -> Text,
        consented_at -> Nullable<Timestamp>,
        erased_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    applicant_notes (id) {
        id -> BigInt,
        applicant_id -> BigInt,
        author_id -> Nullable<BigInt>,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    applicant_events (id) {
        id -> BigInt,
        applicant_id -> BigInt,
        actor_id -> Nullable<BigInt>,
        kind -> Text,
        detail -> Text,
        outbox_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    applicant_stages (applicant_id, stage, entered_at) {
        applicant_id -> BigInt,
        stage -> Text,
        entered_at -> Timestamp,
    }
}

diesel::table! {
    scorecard_criteria (id) {
        id -> BigInt,
        job_id -> BigInt,
        name -> Text,
        position -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    scorecard_ratings (applicant_id, criterion_id, rater_id) {
        applicant_id -> BigInt,
        criterion_id -> BigInt,
        rater_id -> BigInt,
        score -> Integer,
        comment -> Text,
        rated_at -> Timestamp,
    }
}

diesel::table! {
    screening_questions (id) {
        id -> BigInt,
        job_id -> BigInt,
        prompt -> Text,
        kind -> Text,
        knockout -> Nullable<Text>,
        required -> Bool,
        position -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    screening_answers (applicant_id, question_id) {
        applicant_id -> BigInt,
        question_id -> BigInt,
        answer -> Text,
        knocked_out -> Bool,
    }
}

diesel::table! {
    interviews (id) {
        id -> BigInt,
        applicant_id -> BigInt,
        proposed_by -> Nullable<BigInt>,
        status -> Text,
        duration_minutes -> Integer,
        location -> Text,
        timezone -> Text,
        starts_at -> Nullable<Timestamp>,
        sequence -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    interview_slots (id) {
        id -> BigInt,
        interview_id -> BigInt,
        starts_at -> Timestamp,
    }
}

diesel::table! {
    company_invites (id) {
        id -> BigInt,
        company_id -> BigInt,
        email -> Text,
        role -> Text,
        invited_by -> Nullable<BigInt>,
        expires_at -> Timestamp,
        accepted_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    company_steps (id) {
        id -> BigInt,
        company_id -> BigInt,
        name -> Text,
        category -> Text,
        position -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    applicant_tags (applicant_id, tag) {
        applicant_id -> BigInt,
        company_id -> BigInt,
        tag -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    outbox (id) {
        id -> BigInt,
        recipient -> Text,
        recipient_name -> Text,
        subject -> Text,
        body_text -> Text,
        body_html -> Nullable<Text>,
        state -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        applicant_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        from_name -> Nullable<Text>,
        reply_to -> Nullable<Text>,
        link_kind -> Nullable<Text>,
        link_user_id -> Nullable<BigInt>,
        calendar -> Nullable<Text>,
        about_applicant_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    email_templates (id) {
        id -> BigInt,
        company_id -> BigInt,
        name -> Text,
        subject -> Text,
        body -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        auto_stage -> Nullable<Text>,
    }
}

diesel::table! {
    password_resets (id) {
        id -> BigInt,
        user_id -> BigInt,
        token_hash -> Text,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        purpose -> Text,
    }
}

diesel::table! {
    notifications (id) {
        id -> BigInt,
        user_id -> BigInt,
        kind -> Text,
        title -> Text,
        body -> Text,
        link -> Text,
        data -> Text,
        read_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    messages (id) {
        id -> BigInt,
        applicant_id -> BigInt,
        sender_id -> Nullable<BigInt>,
        body -> Text,
        read_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        company_id -> Nullable<BigInt>,
        seeker_id -> Nullable<BigInt>,
        from_seeker -> Bool,
    }
}

diesel::table! {
    live_presence (instance_id, user_id) {
        instance_id -> Text,
        user_id -> BigInt,
        seen_at -> Timestamp,
    }
}

diesel::table! {
    /// One row (`id` 1): the data version of the jobs (see `job_changes`).
    jobs_version (id) {
        id -> BigInt,
        version -> BigInt,
        changed_at -> Timestamp,
        index_epoch -> BigInt,
        changes_from -> BigInt,
    }
}

diesel::joinable!(users -> companies (company_id));
diesel::joinable!(jobs -> companies (company_id));
diesel::joinable!(saved_jobs -> jobs (job_id));
diesel::joinable!(saved_jobs -> users (user_id));
diesel::joinable!(job_alerts -> users (user_id));
diesel::joinable!(seeker_preferences -> users (user_id));
diesel::joinable!(resumes -> users (user_id));
diesel::joinable!(applicants -> companies (company_id));
diesel::joinable!(applicants -> jobs (job_id));
diesel::joinable!(applicants -> resumes (resume_id));
diesel::joinable!(applicant_notes -> applicants (applicant_id));
diesel::joinable!(applicant_events -> applicants (applicant_id));
diesel::joinable!(applicant_tags -> applicants (applicant_id));
diesel::joinable!(applicant_stages -> applicants (applicant_id));
diesel::joinable!(company_steps -> companies (company_id));
diesel::joinable!(company_invites -> companies (company_id));
diesel::joinable!(interviews -> applicants (applicant_id));
diesel::joinable!(interview_slots -> interviews (interview_id));
diesel::joinable!(scorecard_criteria -> jobs (job_id));
diesel::joinable!(screening_questions -> jobs (job_id));
diesel::joinable!(screening_answers -> screening_questions (question_id));
diesel::joinable!(scorecard_ratings -> scorecard_criteria (criterion_id));
diesel::joinable!(scorecard_ratings -> users (rater_id));
diesel::joinable!(email_templates -> companies (company_id));
diesel::joinable!(password_resets -> users (user_id));
diesel::joinable!(notifications -> users (user_id));
diesel::joinable!(messages -> applicants (applicant_id));
diesel::joinable!(live_presence -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    companies,
    users,
    login_failures,
    audit_log,
    jobs,
    saved_jobs,
    job_alerts,
    seeker_preferences,
    resumes,
    applicants,
    applicant_notes,
    applicant_events,
    applicant_tags,
    applicant_stages,
    company_steps,
    scorecard_criteria,
    scorecard_ratings,
    screening_questions,
    screening_answers,
    interviews,
    interview_slots,
    company_invites,
    outbox,
    email_templates,
    password_resets,
    notifications,
    messages,
    live_presence,
);
