-- wrk script for bench/applicants.sh: GET requests of the applicant list with
-- the session cookie of one logged-in user.
--   JC_COOKIE    "jobconnect_session=…" (required)
--   JC_SCENARIO  first | mix | search   (default mix)
--   JC_JOB       a job of the user's company (for the job filter)
--   JC_ASSIGNEE  an employer of that company (for the assignee filter)
local cookie = os.getenv("JC_COOKIE") or ""
local scenario = os.getenv("JC_SCENARIO") or "mix"
local job = os.getenv("JC_JOB") or "1"
local assignee = os.getenv("JC_ASSIGNEE") or "1"

local scenarios = {
  -- The first page, no filter: the landing view.
  first = { "/applicants" },
  -- Searches alone: a very common skill, a rare one, names, a prefix, two words.
  search = {
    "/applicants?q=python",
    "/applicants?q=haskell",
    "/applicants?q=maria",
    "/applicants?q=garcia",
    "/applicants?q=mar",
    "/applicants?q=engineer+team",
    "/applicants?q=kubernetes+terraform",
    "/applicants?q=nobodyhasthisword",
  },
  -- What recruiters do all day: filters, searches, both, other sorts, later pages.
  mix = {
    "/applicants",
    "/applicants?stage=interview",
    "/applicants?status=pending&type=contract",
    "/applicants?q=python",
    "/applicants?q=haskell",
    "/applicants?q=maria",
    "/applicants?q=kubernetes&stage=screening",
    "/applicants?q=rust+sql&status=open",
    "/applicants?job=" .. job,
    "/applicants?job=" .. job .. "&stage=applied&sort=name",
    "/applicants?assignee=" .. assignee .. "&sort=updated",
    "/applicants?assignee=none&stage=offer",
    "/applicants?sort=name&page=40",
    "/applicants?sort=stage&q=java",
    "/applicants?q=garcia&sort=oldest",
    "/applicants?type=internship&stage=hired",
    "/applicants?q=engineer+team&page=3",
    "/applicants?status=closed&sort=updated&page=10",
    "/applicants?q=mar",
    "/applicants?stage=rejected&status=closed&type=part_time&assignee=none",
  },
}

local paths = scenarios[scenario] or error("unknown JC_SCENARIO " .. scenario)
local counter = 0

function setup(thread)
  thread:set("offset", math.random(#paths))
end

function init(args)
  counter = offset or 0
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1], { ["Cookie"] = cookie })
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT scenario=%s requests=%d rps=%.0f p50=%.1fms p90=%.1fms p99=%.1fms max=%.1fms non2xx=%d socket_errors=%d\n",
    scenario, summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, e.status, e.connect + e.read + e.write + e.timeout))
end
