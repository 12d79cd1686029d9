use crate::text_enum;

text_enum! {
    /// What a user may do. Chosen at sign-up only between seeker and employer.
    Role {
        Seeker => "seeker", "Job seeker";
        Employer => "employer", "Employer";
        Admin => "admin", "Admin";
    }
}

text_enum! {
    JobStatus {
        Draft => "draft", "Draft";
        Open => "open", "Open";
        Closed => "closed", "Closed";
    }
}

text_enum! {
    RemoteMode {
        Onsite => "onsite", "On-site";
        Hybrid => "hybrid", "Hybrid";
        Remote => "remote", "Remote";
    }
}

text_enum! {
    EmploymentType {
        FullTime => "full_time", "Full-time";
        PartTime => "part_time", "Part-time";
        Contract => "contract", "Contract";
        Internship => "internship", "Internship";
        Temporary => "temporary", "Temporary";
    }
}

text_enum! {
    SalaryPeriod {
        Year => "year", "per year";
        Month => "month", "per month";
        Hour => "hour", "per hour";
    }
}

text_enum! {
    /// An employer's part in their company's team.
    CompanyRole {
        Owner => "owner", "Owner";
        Recruiter => "recruiter", "Recruiter";
        Viewer => "viewer", "Viewer";
    }
}

text_enum! {
    /// What a screening question asks for.
    QuestionKind {
        YesNo => "yes_no", "Yes or no";
        Text => "text", "Short text";
        Number => "number", "Number";
    }
}

text_enum! {
    /// Where an applicant is in the hiring pipeline.
    Stage {
        Applied => "applied", "Applied";
        Screening => "screening", "Screening";
        Interview => "interview", "Interview";
        Offer => "offer", "Offer";
        Hired => "hired", "Hired";
        Rejected => "rejected", "Rejected";
    }
}

text_enum! {
    ApplicantStatus {
        Open => "open", "Open";
        Pending => "pending", "Pending";
        Closed => "closed", "Closed";
    }
}

text_enum! {
    ApplicantSource {
        Portal => "portal", "Applied on JobConnect";
        Manual => "manual", "Added by hand";
    }
}

text_enum! {
    /// The pay-transparency law a company's job ads fall under (its setting):
    /// each but `None` demands the pay range in the ad.
    PayRule {
        None => "none", "No pay-transparency rule";
        Eu => "eu", "European Union (Pay Transparency Directive)";
        California => "us-ca", "California, USA";
        Colorado => "us-co", "Colorado, USA";
        Illinois => "us-il", "Illinois, USA";
        NewYork => "us-ny", "New York, USA";
        Washington => "us-wa", "Washington, USA";
        BritishColumbia => "ca-bc", "British Columbia, Canada";
    }
}

impl PayRule {
    /// Whether a job ad must state its pay range (a minimum and a maximum).
    pub fn requires_pay_range(self) -> bool {
        self != PayRule::None
    }
}

text_enum! {
    /// Why an applicant was rejected: asked for every move to the rejected
    /// stage, so reports can say why candidates leave the pipeline.
    RejectionReason {
        Requirements => "requirements", "Does not meet the requirements";
        Experience => "experience", "Not enough experience";
        OtherCandidate => "other_candidate", "Another candidate was chosen";
        PositionFilled => "position_filled", "Position filled or closed";
        Salary => "salary", "Salary expectations";
        Location => "location", "Location or work permit";
        NoResponse => "no_response", "Candidate did not respond";
        Withdrew => "withdrew", "Candidate withdrew";
        Other => "other", "Other";
    }
}

text_enum! {
    /// What a notification tells of (its label is shown beside its title).
    NotificationKind {
        Application => "application", "Application";
        Stage => "stage", "Stage";
        Message => "message", "Message";
        Assignment => "assignment", "Assigned";
        Interview => "interview", "Interview";
        Withdrawn => "withdrawn", "Withdrawn";
        EmailFailed => "email_failed", "E-mail not delivered";
    }
}
