#!/usr/bin/env python3
"""Interim data for the CRM benchmark, until `jobconnect gen-data` exists.

Writes CSV files (with a header; `\\N` is NULL) for companies, users, jobs,
resumes and applicants into OUT_DIR; bench/applicants.sh loads them with
`DATA_SOURCE=seed`. Deterministic (seed 42), standard library only.

Shape (the CRM's worst case rather than an even spread): 500 companies;
company 1 ("Acme Bench", the benchmark employer's) has 500 jobs, 10 employers
and 40,000 of the 200,000 applicants; the others share the rest. 20,000
seekers with one resume each apply through the portal (80% of applicants);
the others were added by hand, most with a resume of their own. Resumes hold
80 to 200 words: a Zipf-weighted skill list, common words and a long tail.

usage: applicants-seed.py OUT_DIR [--applicants N] [--jobs N] [--seekers N]
"""

import argparse
import csv
import datetime as dt
import os
import random

NULL = "\\N"

FIRST = """maria john wei fatima james olga carlos aisha david yuki anna mohammed
sofia liam noah emma lucas mia ethan ava oliver isabella elijah amelia mateo
harper leo evelyn jack luna henry camila alexander gianna sebastian aria ben
nora lena jonas priya arjun kenji sakura chen li nikos eleni pierre claire
hans greta ivan natalia pavel svetlana omar layla yusuf zainab diego lucia
pedro ana tomas eva marek kasia juan rosa ali sara hamid nadia kofi ama tunde
ngozi lars ingrid sven astrid mikko aino raj deepa vikram ananya hiroshi akiko
minh linh jae soo ahmed mona jorge elena andrei irina ravi meera felix hannah""".split()
LAST = """smith garcia muller rossi kim nguyen patel silva kowalski ivanova chen
wang tanaka suzuki cohen levi okafor mensah andersson nilsen virtanen novak
horvat dubois martin bernard fischer weber schneider lopez gonzalez perez
sanchez ramirez torres flores rivera gomez diaz reyes morales ortiz gutierrez
jensen hansen johansson larsen petrov sokolov popov volkov kuznetsov santos
oliveira pereira costa rodrigues almeida ferreira carvalho singh kumar sharma
gupta das mehta iyer reddy nair shah khan ali hussain ahmed rahman hassan
yilmaz kaya demir sahin celik ozturk brown taylor wilson davies evans thomas
johnson roberts walker wright thompson white hughes edwards green hall wood""".split()
SKILLS = """python java javascript sql excel typescript react aws docker git linux
kubernetes go csharp dotnet node angular vue spring django flask postgresql
mysql mongodb redis kafka spark hadoop tableau powerbi salesforce sap figma
photoshop illustrator scrum agile jira confluence terraform ansible jenkins
gcp azure php ruby rails swift kotlin android ios flutter scala rust cplusplus
c matlab r pandas numpy tensorflow pytorch nlp statistics accounting finance
marketing seo sales negotiation leadership recruiting payroll logistics
procurement nursing welding forklift cad solidworks autocad revit embedded
fpga verilog haskell elixir erlang clojure fortran cobol graphql grpc webassembly""".split()
COMMON = """experience team project projects development developed managed lead led
work worked company customers customer business data systems system design
designed support build built improved delivered responsible years senior
junior engineer manager analyst developer specialist consultant skills
including using across multiple within process processes quality product
products service services client clients results strong knowledge
communication cross functional stakeholders requirements testing deployment
production performance reporting operations strategy growth revenue""".split()
TITLES = """Software Engineer|Senior Software Engineer|Backend Developer|Frontend
Developer|Full Stack Developer|Data Analyst|Data Scientist|DevOps Engineer|Site
Reliability Engineer|Product Manager|Project Manager|UX Designer|UI
Designer|QA Engineer|Security Engineer|Mobile Developer|Machine Learning
Engineer|Sales Manager|Account Executive|Customer Success Manager|Marketing
Manager|Content Writer|Recruiter|HR Generalist|Accountant|Financial
Analyst|Operations Manager|Logistics Coordinator|Warehouse Associate|Nurse|Rust
Engineer|Python Developer|Java Developer|Go Developer|Platform Engineer|Cloud
Architect|Database Administrator|Technical Writer|Support Engineer|Office
Manager""".replace("\n", " ").split("|")
CITIES = """Berlin|Hamburg|Munich|London|Paris|Madrid|Warsaw|Prague|Vienna|Zurich|
Amsterdam|Stockholm|Oslo|Helsinki|Lisbon|Dublin|New York|Austin|Toronto|Remote""".replace("\n", "").split("|")
STAGES = [("applied", 45), ("screening", 20), ("interview", 12), ("offer", 5), ("hired", 3), ("rejected", 15)]
STATUSES = [("open", 60), ("pending", 25), ("closed", 15)]
TYPES = [("full_time", 60), ("part_time", 12), ("contract", 15), ("internship", 6), ("temporary", 7)]


def weighted(rng, pairs):
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--applicants", type=int, default=200_000)
    ap.add_argument("--jobs", type=int, default=100_000)
    ap.add_argument("--seekers", type=int, default=20_000)
    ap.add_argument("--companies", type=int, default=500)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rng = random.Random(42)
    now = dt.datetime(2026, 11, 20, 12, 0, 0)
    start = now - dt.timedelta(days=365)

    def ts(t):
        return t.strftime("%Y-%m-%d %H:%M:%S.%f")

    def writer(name, header):
        f = open(os.path.join(args.out, name + ".csv"), "w", newline="")
        w = csv.writer(f)
        w.writerow(header)
        return f, w

    # A long tail of made-up words, so the index looks like real text.
    syll = "ka lo mi ne ru ta vo shi en ar is ul om pe di fa go he ji ko".split()
    tail = sorted({"".join(rng.choice(syll) for _ in range(rng.randint(2, 4))) for _ in range(6000)})
    skill_w = [1.0 / (i + 1) ** 0.9 for i in range(len(SKILLS))]

    def resume_text():
        n = rng.randint(80, 200)
        words = []
        for _ in range(n):
            r = rng.random()
            if r < 0.45:
                words.append(rng.choice(COMMON))
            elif r < 0.75:
                words.append(rng.choices(SKILLS, weights=skill_w)[0])
            else:
                words.append(rng.choice(tail))
        return " ".join(words).capitalize() + "."

    # Companies
    f, w = writer("companies", ["id", "name", "slug", "website", "description", "location", "logo_path", "created_at", "updated_at"])
    for c in range(1, args.companies + 1):
        name = "Acme Bench" if c == 1 else f"{rng.choice(LAST).title()} {rng.choice(['Labs', 'Group', 'GmbH', 'Ltd', 'Systems', 'Works', 'AG', 'Partners'])} {c}"
        w.writerow([c, name, f"company-{c}", "", "", rng.choice(CITIES), NULL, ts(start), ts(start)])
    f.close()

    # Users: employers (10 for company 1, 2 for the others), then seekers.
    f, w = writer("users", ["id", "email", "username", "password_hash", "role", "company_id", "display_name", "headline", "location", "phone", "skills", "avatar_path", "is_active", "session_epoch", "created_at", "updated_at", "last_login_at"])
    uid = 0
    employers = {}
    for c in range(1, args.companies + 1):
        for _ in range(10 if c == 1 else 2):
            uid += 1
            fn, ln = rng.choice(FIRST), rng.choice(LAST)
            employers.setdefault(c, []).append(uid)
            w.writerow([uid, f"emp{uid}@company{c}.example", f"emp{uid}", "!", "employer", c, f"{fn.title()} {ln.title()}", "", "", "", "", NULL, 1, 0, ts(start), ts(start), NULL])
    seekers = []
    for _ in range(args.seekers):
        uid += 1
        fn, ln = rng.choice(FIRST), rng.choice(LAST)
        seekers.append((uid, f"{fn.title()} {ln.title()}", f"{fn}.{ln}{uid}@mail.example"))
        w.writerow([uid, seekers[-1][2], f"seeker{uid}", "!", "seeker", NULL, seekers[-1][1], "", rng.choice(CITIES), "", "", NULL, 1, 0, ts(start), ts(start), NULL])
    f.close()

    # Jobs: 500 for company 1, the rest spread.
    f, w = writer("jobs", ["id", "company_id", "created_by", "title", "description", "location", "remote", "employment_type", "category", "salary_min", "salary_max", "salary_currency", "salary_period", "status", "closes_at", "published_at", "created_at", "updated_at"])
    jobs_of = {}
    job_type = {}
    for j in range(1, args.jobs + 1):
        c = 1 if j <= 500 else rng.randint(2, args.companies)
        jobs_of.setdefault(c, []).append(j)
        kind = weighted(rng, TYPES)
        job_type[j] = kind
        t = start + dt.timedelta(seconds=rng.randint(0, 365 * 86400))
        title = rng.choice(TITLES)
        w.writerow([j, c, employers[c][0], title, f"{title}: join our team.", rng.choice(CITIES), rng.choice(["onsite", "hybrid", "remote"]), kind, "Engineering", NULL, NULL, "EUR", "year", rng.choice(["open"] * 8 + ["closed", "draft"]), NULL, ts(t), ts(t), ts(t)])
    f.close()

    # Resumes: one per seeker first (ids 1..seekers), then those added by hand.
    rf, rw = writer("resumes", ["id", "user_id", "file_name", "stored_name", "size_bytes", "text_content", "created_at", "deleted_at"])
    for i, (sid, _, _) in enumerate(seekers, start=1):
        rw.writerow([i, sid, "resume.pdf", f"resumes/seed-{i}.pdf", 48_000, resume_text(), ts(start), NULL])
    next_resume = len(seekers) + 1

    # Applicants, in time order.
    f, w = writer("applicants", ["id", "company_id", "job_id", "seeker_id", "resume_id", "assignee_id", "name", "email", "phone", "current_company", "position", "location", "years_experience", "status", "employment_type", "stage", "source", "cover_letter", "withdrawn_at", "created_at", "updated_at"])
    big = args.applicants // 5
    taken = set()
    step = 365 * 86400 / args.applicants
    for a in range(1, args.applicants + 1):
        c = 1 if rng.random() < big / args.applicants else rng.randint(2, args.companies)
        job = rng.choice(jobs_of.get(c, [None])) if rng.random() < 0.95 else None
        created = start + dt.timedelta(seconds=a * step + rng.random())
        updated = min(now, created + dt.timedelta(days=rng.random() * 30))
        portal = rng.random() < 0.8 and job is not None
        stage = weighted(rng, STAGES)
        assignee = rng.choice(employers[c]) if rng.random() < 0.4 else NULL
        kind = job_type.get(job) if job and rng.random() < 0.9 else weighted(rng, TYPES)
        years = rng.randint(0, 30) if rng.random() < 0.8 else NULL
        if portal:
            for _ in range(20):
                sid, name, email = rng.choice(seekers)
                if (job, sid) not in taken:
                    break
            else:
                portal = False
        if portal:
            taken.add((job, sid))
            resume = sid - seekers[0][0] + 1
            withdrawn = ts(updated) if rng.random() < 0.03 else NULL
            w.writerow([a, c, job, sid, resume, assignee, name, email, "", "", rng.choice(TITLES), rng.choice(CITIES), years, weighted(rng, STATUSES), kind, stage, "portal", "I would love to join your team.", withdrawn, ts(created), ts(updated)])
        else:
            fn, ln = rng.choice(FIRST), rng.choice(LAST)
            resume = NULL
            if rng.random() < 0.7:
                resume = next_resume
                next_resume += 1
                rw.writerow([resume, NULL, "cv.pdf", f"resumes/seed-{resume}.pdf", 52_000, resume_text(), ts(created), NULL])
            w.writerow([a, c, job if job else NULL, NULL, resume, assignee, f"{fn.title()} {ln.title()}", f"{fn}.{ln}.{a}@example.org", "+49 30 555 0100", rng.choice(LAST).title() + " Inc", rng.choice(TITLES), rng.choice(CITIES), years, weighted(rng, STATUSES), kind, stage, "manual", "", NULL, ts(created), ts(updated)])
    f.close()
    rf.close()
    print(f"wrote {args.applicants} applicants, {next_resume - 1} resumes, {args.jobs} jobs, {uid} users to {args.out}")


if __name__ == "__main__":
    main()
