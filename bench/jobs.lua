-- wrk script for bench/jobs.sh: picks the paths of a scenario (given after
-- `--`) in turn, and prints requests/s, p50 and p99 on one line at the end.
local scenarios = {
  list = { "/jobs" },
  deep = { "/jobs?page=50", "/jobs?page=49", "/jobs?q=engineer&page=50", "/jobs?q=manager&remote=hybrid&page=45" },
  search = {
    "/jobs?q=rust+developer", "/jobs?q=nurse", "/jobs?q=data+engineer", "/jobs?q=marketing+manager",
    "/jobs?q=python", "/jobs?q=customer+support", "/jobs?q=accountant", "/jobs?q=product+designer",
    "/jobs?q=kubernetes", "/jobs?q=machine+learning", "/jobs?q=recruiter", "/jobs?q=chef",
  },
  filtered = {
    "/jobs?q=developer&remote=remote&type=full_time", "/jobs?q=nurse&location=london",
    "/jobs?q=engineer&category=Engineering&salary_min=80000", "/jobs?q=manager&remote=hybrid&type=full_time",
    "/jobs?q=sales&location=germany", "/jobs?q=designer&type=contract", "/jobs?q=support&remote=remote",
    "/jobs?q=analyst&salary_min=60000&location=berlin",
  },
}

-- words for "cold": random pairs, so the result cache rarely helps
local words = {
  "rust", "python", "java", "go", "react", "kubernetes", "sql", "data", "engineer", "developer", "designer",
  "manager", "nurse", "teacher", "accountant", "sales", "marketing", "support", "analyst", "product", "senior",
  "junior", "lead", "remote", "berlin", "london", "paris", "madrid", "toronto", "austin", "figma", "excel",
  "finance", "legal", "chef", "recruiter", "logistics", "security", "mobile", "backend", "frontend", "cloud",
  "aws", "spark", "seo", "content", "customer", "clinical", "patient", "warehouse", "planner", "payroll",
}
local filters = { "", "&remote=remote", "&type=full_time", "&remote=hybrid&type=full_time", "&salary_min=50000",
  "&location=germany", "&category=Engineering", "&type=contract" }

local name = "list"
local paths = scenarios.list
local counter = 0

function init(args)
  name = args[1] or "list"
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
  if name ~= "cold" then
    paths = scenarios[name] or error("unknown scenario " .. name)
  end
  -- every thread starts at a different place in the list
  counter = math.random(1, 1000)
end

function request()
  counter = counter + 1
  if name == "cold" then
    local q = words[math.random(#words)] .. "+" .. words[math.random(#words)]
    return wrk.format("GET", "/jobs?q=" .. q .. filters[math.random(#filters)] .. "&page=" .. math.random(1, 3))
  end
  return wrk.format("GET", paths[(counter % #paths) + 1])
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  -- wrk stops timing a request at 2 s: with time-outs the p99 is that cap,
  -- so the line says how many instead.
  local p99 = string.format("%.2f", latency:percentile(99) / 1000)
  if summary.errors.timeout > 0 then p99 = "n/a(" .. summary.errors.timeout .. "_timeouts)" end
  io.write(string.format("RESULT requests=%d errors=%d rps=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%s max_ms=%.2f\n",
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    p99, latency.max / 1000))
end
