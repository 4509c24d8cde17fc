// Trace import: the format registry, load shaping, counts, the native writer, node-list
// dispatch, and the helpers every format reader shares.
#include "sim/io/traces/import.hpp"

#include <charconv>
#include <cmath>
#include <fstream>
#include <iomanip>

#include "sim/common/error.hpp"
#include "sim/io/csv.hpp"
#include "sim/io/input.hpp"
#include "sim/io/outputs.hpp"
#include "sim/io/traces/acme.hpp"
#include "sim/io/traces/alibaba_dlrm2025.hpp"
#include "sim/io/traces/alibaba_spot2026.hpp"
#include "sim/io/traces/alibaba_v2023.hpp"
#include "sim/io/traces/helios.hpp"
#include "sim/io/traces/pai2020.hpp"
#include "sim/io/traces/philly.hpp"
#include "sim/io/traces/swf.hpp"

namespace fleetsim::traces {

// ---- Shaping --------------------------------------------------------------------------------

namespace {

std::uint64_t splitmix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

/// FNV-1a of the id mixed with the seed: the same job is kept for the same seed whatever the
/// order or the other rows.
double unit_hash(std::string_view id, std::uint64_t seed) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : id) h = (h ^ c) * 1099511628211ull;
  return static_cast<double>(splitmix(h ^ splitmix(seed)) >> 11) * 0x1.0p-53;
}

} // namespace

Shaper::Shaper(const ImportOptions& opt, Sink sink) : opt_(opt), sink_(std::move(sink)) {}

void Shaper::fixed_origin(double t, std::string text) {
  if (origin_) return;
  origin_ = t;
  stats_.origin = std::move(text);
}

void Shaper::offer(TraceJob& j) {
  if (!origin_) {
    // The start of the first job's day on the trace clock: a few jobs submitted just before the
    // first row still count, and windows read as "seconds from that midnight".
    const double day = std::floor(j.job.submit_s / 86400.0) * 86400.0;
    origin_ = day;
    stats_.origin = (j.job.submit_s > 1e8 ? format_datetime(day) : format_double(day) + " s") +
                    " on the trace clock (the start of the first job's day)";
  }
  double t = j.job.submit_s - *origin_;
  if (t < 0) return skip("submitted before the trace origin");
  if (!opt_.vc.empty() && j.vc != opt_.vc) return skip("other virtual cluster");
  if (opt_.window_start && t < *opt_.window_start) return skip("before the window");
  if (opt_.window_end && t >= *opt_.window_end) return skip("after the window");
  if (opt_.sample && unit_hash(j.job.id, opt_.seed) >= *opt_.sample) return skip("not sampled");
  if (opt_.window_start) t -= *opt_.window_start;
  t *= opt_.time_scale;
  if (!(t <= input::kMaxSeconds)) return skip("submit time beyond 1e10 s");
  if (!(j.job.duration_s >= 0 && j.job.duration_s <= input::kMaxSeconds)) return skip("duration beyond 1e10 s");
  if (stats_.jobs >= input::kMaxJobs)
    throw InputError(j.file + ":" + std::to_string(j.line) + ": more than " + std::to_string(input::kMaxJobs) +
                     " jobs (the limit of a workload); import a --window or a --sample of it");
  if (j.num_nodes > 4096) return skip("more than 4096 nodes");
  if (j.num_nodes > 1 && j.job.kind != JobKind::training) {
    // Only training jobs span nodes in fleetsim (sim/io/work_catalog.hpp).
    j.job.kind = JobKind::training;
    note("multi-node job without GPUs imported as training (only training jobs span nodes)");
  }
  const double original = j.job.submit_s;
  j.job.submit_s = t;
  if (!prefix_.empty()) j.job.id.insert(0, prefix_);
  ++stats_.jobs;
  const std::int64_t gpus = std::int64_t(j.job.req.num_gpu) * j.num_nodes;
  if (gpus > 0) {
    ++stats_.gpu_jobs;
    stats_.gpu_hours += static_cast<double>(gpus) * j.job.req.gpu_milli / 1000.0 * j.job.duration_s / 3600.0;
  }
  if (!stats_.first_submit || t < *stats_.first_submit) stats_.first_submit = t;
  if (!stats_.last_submit || t > *stats_.last_submit) stats_.last_submit = t;
  sink_(j);
  j.job.submit_s = original;
  if (!prefix_.empty()) j.job.id.erase(0, prefix_.size());
}

std::string Shaper::file_tag(const std::filesystem::path& file) {
  const std::string stem = file.stem().string();
  if ((stem == "cluster_log" || stem == "cluster_job_log") && file.has_parent_path() &&
      !file.parent_path().filename().empty())
    return file.parent_path().filename().string();
  return stem;
}

// ---- Registry -------------------------------------------------------------------------------

const std::vector<Format>& formats() {
  static const std::vector<Format> all = {
      {"helios", "SenseTime Helios cluster_log.csv (Venus, Earth, Saturn, Uranus; Philly in Helios' form)", true,
       read_helios},
      {"philly", "Microsoft Philly cluster_job_log (JSON; one job per scheduling attempt)", true, read_philly},
      {"pai-2020", "Alibaba PAI 2020 pai_job_table.csv + pai_task_table.csv (no header rows)", false, read_pai2020},
      {"acme", "Shanghai AI Lab Acme trace_seren.csv / trace_kalos.csv", false, read_acme},
      {"swf", "Standard Workload Format (Parallel Workloads Archive), 18 fields; queue number as VC", true,
       read_swf},
      {"alibaba-2025-dlrm", "Alibaba 2025 disaggregated DLRM inference instances", true, read_dlrm2025},
      {"alibaba-2026-spot", "Alibaba 2026 spot GPU job_info_df.csv (HP and spot jobs; organization as VC)", true,
       read_spot2026},
  };
  return all;
}

const Format* find_format(std::string_view name) {
  for (const auto& f : formats())
    if (f.name == name) return &f;
  return nullptr;
}

std::string format_names() {
  std::string s;
  for (const auto& f : formats()) s += (s.empty() ? "" : ", ") + f.name;
  return s;
}

ImportStats import_trace(const std::string& format, const std::vector<std::filesystem::path>& files,
                         const ImportOptions& opt, const Shaper::Sink& sink) {
  const Format* f = find_format(format);
  if (!f) {
    std::vector<std::string> names;
    for (const auto& g : formats()) names.push_back(g.name);
    const auto hint = csv::closest(format, names);
    throw InputError("unknown trace format " + in_quotes(format) +
                     (hint.empty() ? "; formats: " + format_names() : "; did you mean " + in_quotes(hint) + "?"));
  }
  if (!opt.vc.empty() && !f->has_vc)
    throw InputError("format " + f->name + " has no virtual clusters, so --vc (workload.vc) cannot select one");
  if (files.empty()) throw InputError("format " + f->name + ": no input file");
  for (const auto& file : files) input::check_input_file(file, input::kMaxTraceBytes);
  Shaper shaper(opt, sink);
  f->read(files, shaper);
  return shaper.stats();
}

Job resolve_models(const TraceJob& t, const GpuModels& models) {
  Job j = t.job;
  std::string_view unknown;
  j.req.model_mask |= models.mask_of(t.models, &unknown);
  if (!unknown.empty())
    throw InputError(t.file + ":" + std::to_string(t.line) + ": job " + in_quotes(t.job.id) + ": GPU model " +
                     in_quotes(unknown) + " is not in the cluster; the cluster has: " + models.listed());
  return j;
}

// ---- Output -----------------------------------------------------------------------------------

NativeWriter::NativeWriter(std::ostream& os) : os_(os) {
  os_ << "id,kind,submit_s,duration_s,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_models,priority,num_nodes\n";
}

namespace {
void put_int(std::string& b, std::int64_t v) {
  char tmp[24];
  auto [p, ec] = std::to_chars(tmp, tmp + sizeof tmp, v);
  b.append(tmp, p);
}
void put_double(std::string& b, double v) {
  char tmp[32];
  auto [p, ec] = std::to_chars(tmp, tmp + sizeof tmp, v);
  b.append(tmp, p);
}
/// A CSV cell: quoted when it holds a comma, quote or line end.
void put_text(std::string& b, std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) {
    b.append(s);
    return;
  }
  b.push_back('"');
  for (char c : s) {
    if (c == '"') b.push_back('"');
    b.push_back(c);
  }
  b.push_back('"');
}
} // namespace

void NativeWriter::write(const TraceJob& t) {
  const Job& j = t.job;
  buf_.clear();
  put_text(buf_, j.id);
  buf_.push_back(',');
  buf_.append(to_string(j.kind));
  buf_.push_back(',');
  put_double(buf_, j.submit_s);
  buf_.push_back(',');
  put_double(buf_, j.duration_s);
  buf_.push_back(',');
  put_int(buf_, j.req.cpu_milli);
  buf_.push_back(',');
  put_int(buf_, j.req.memory_mib);
  buf_.push_back(',');
  put_int(buf_, j.req.num_gpu);
  buf_.push_back(',');
  put_int(buf_, j.req.gpu_milli);
  buf_.push_back(',');
  put_text(buf_, t.models);
  buf_.push_back(',');
  put_int(buf_, j.priority);
  buf_.push_back(',');
  put_int(buf_, t.num_nodes);
  buf_.push_back('\n');
  os_.write(buf_.data(), static_cast<std::streamsize>(buf_.size()));
}

void print_stats(std::ostream& os, const ImportStats& s) {
  auto big = [](std::int64_t v) {
    std::string d = std::to_string(v), out;
    for (std::size_t i = 0; i < d.size(); ++i) {
      if (i && (d.size() - i) % 3 == 0) out.push_back(',');
      out.push_back(d[i]);
    }
    return out;
  };
  os << "  rows read            " << big(s.rows) << "\n";
  os << "  jobs                 " << big(s.jobs) << "\n";
  os << "  GPU jobs             " << big(s.gpu_jobs) << "\n";
  os << "  GPU-hours            " << format_fixed(s.gpu_hours, 1) << "\n";
  std::int64_t skipped = 0;
  for (const auto& [why, n] : s.skipped) skipped += n;
  os << "  skipped              " << big(skipped) << (skipped ? ":" : "") << "\n";
  for (const auto& [why, n] : s.skipped) os << "    " << std::setw(12) << big(n) << "  " << why << "\n";
  for (const auto& [what, n] : s.notes) os << "  note " << std::setw(12) << big(n) << "  " << what << "\n";
  if (s.first_submit)
    os << "  submit span          " << format_fixed(*s.first_submit, 0) << " s to " << format_fixed(*s.last_submit, 0)
       << " s (" << format_fixed((*s.last_submit - *s.first_submit) / 86400.0, 2) << " days)\n";
  if (!s.origin.empty()) os << "  time 0               " << s.origin << "\n";
}

// ---- Node lists -----------------------------------------------------------------------------

const std::vector<std::string>& cluster_formats() {
  static const std::vector<std::string> all = {"alibaba-v2023", "helios", "philly", "pai-2020", "alibaba-2026-spot"};
  return all;
}

ClusterState read_cluster(const std::string& format, const std::filesystem::path& file, GpuModels& models) {
  if (format == "alibaba-v2023") return alibaba::read_node_list(file, models).cluster;
  if (format == "helios") return read_helios_vcs(file, models);
  if (format == "philly") return read_philly_machines(file, models);
  if (format == "pai-2020") return read_pai2020_machines(file, models);
  if (format == "alibaba-2026-spot") return read_spot2026_nodes(file, models);
  throw InputError(input::shown(file) + ": unknown node-list format " + in_quotes(format));
}

// ---- Helpers ----------------------------------------------------------------------------------

namespace {

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool digits(std::string_view s, std::size_t at, std::size_t n, int& out) {
  if (at + n > s.size()) return false;
  out = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

} // namespace

std::optional<double> parse_datetime(std::string_view s) {
  s = trim(s);
  int y, mo, d, h, mi, se;
  if (s.size() < 19 || !digits(s, 0, 4, y) || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d) || (s[10] != ' ' && s[10] != 'T') || !digits(s, 11, 2, h) || s[13] != ':' ||
      !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, se))
    return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return std::nullopt;
  double t = static_cast<double>(days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d))) * 86400.0 +
             h * 3600.0 + mi * 60.0 + se;
  std::size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    double scale = 0.1, frac = 0;
    ++i;
    const std::size_t from = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') frac += (s[i++] - '0') * scale, scale /= 10;
    if (i == from) return std::nullopt;
    t += frac;
  }
  std::string_view zone = trim(s.substr(i));
  if (zone.empty() || zone == "Z" || zone == "UTC" || zone == "GMT") return t;
  if (zone == "PST") return t + 8 * 3600.0;
  if (zone == "PDT") return t + 7 * 3600.0;
  int zh, zm;
  if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && digits(zone, 1, 2, zh) && zone[3] == ':' &&
      digits(zone, 4, 2, zm) && zh <= 14 && zm <= 59) {
    const double off = zh * 3600.0 + zm * 60.0;
    return zone[0] == '+' ? t - off : t + off;
  }
  return std::nullopt;
}

std::string format_datetime(double t) {
  const auto secs = static_cast<std::int64_t>(std::floor(t));
  std::int64_t z = (secs >= 0 ? secs : secs - 86399) / 86400;
  const std::int64_t rem = secs - z * 86400;
  // civil_from_days (H. Hinnant)
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u %02lld:%02lld:%02lld", static_cast<long long>(y), m, d,
                static_cast<long long>(rem / 3600), static_cast<long long>(rem / 60 % 60),
                static_cast<long long>(rem % 60));
  return buf;
}

bool is_missing(std::string_view s) {
  s = trim(s);
  return s.empty() || s == "None" || s == "none" || s == "nan" || s == "NaN" || s == "NA" || s == "null";
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string in_quotes(std::string_view s) {
  std::string q = "\"";
  if (s.size() <= 80) {
    q.append(s);
  } else {
    std::size_t n = 77;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
    q.append(s.substr(0, n)).append("...");
  }
  q.push_back('"');
  return q;
}

std::string sniff(const std::filesystem::path& file, const std::string& expected) {
  std::ifstream in(file, std::ios::binary);
  std::string first;
  if (!in) return "";
  // The first non-empty line, at most 64 KiB of it.
  char c;
  std::size_t n = 0;
  while (in.get(c) && n < (1u << 16)) {
    if (c == '\n') {
      if (!first.empty() && first != "\r") break;
      first.clear();
      continue;
    }
    first.push_back(c);
    ++n;
  }
  if (!first.empty() && first.back() == '\r') first.pop_back();
  const std::string_view h = trim(first);
  auto has = [&](std::string_view col) {
    const std::string needle(col);
    std::size_t at = 0;
    while ((at = first.find(needle, at)) != std::string::npos) {
      const bool left = at == 0 || first[at - 1] == ',';
      const std::size_t end = at + needle.size();
      const bool right = end == first.size() || first[end] == ',';
      if (left && right) return true;
      at = end;
    }
    return false;
  };
  std::string name, what;
  if (has("submit_time") && has("gpu_time") && has("node_num")) name = "acme", what = "an Acme trace_seren.csv or trace_kalos.csv";
  else if (has("job_id") && has("vc") && has("gpu_num") && has("submit_time")) name = "helios", what = "a Helios cluster_log.csv";
  else if (!h.empty() && h.front() == '[' && (h.size() == 1 || trim(h.substr(1)).starts_with("{")))
    name = "philly", what = "a Philly cluster_job_log (a JSON array of jobs)";  // an array of objects, not [1,2]
  else if (h.starts_with("machineId,number of GPUs")) name = "philly/nodes", what = "a Philly cluster_machine_list (a node list)";
  else if (!h.empty() && h.front() == ';') name = "swf", what = "a Standard Workload Format log";
  else if (has("instance_sn") && has("role") && has("max_instance_per_node")) name = "alibaba-2025-dlrm", what = "an Alibaba 2025 DLRM trace";
  else if (has("job_name") && has("organization") && has("job_type")) name = "alibaba-2026-spot", what = "an Alibaba 2026 spot job_info_df.csv";
  else if (has("gpu_model") && has("gpu_capacity_num") && has("node_name")) name = "alibaba-2026-spot/nodes", what = "an Alibaba 2026 spot node_info_df.csv (a node list)";
  else if (has("name") && has("num_gpu") && has("gpu_milli") && has("creation_time")) name = "alibaba-v2023", what = "an Alibaba v2023 pod list";
  else if (has("sn") && has("gpu") && has("model")) name = "alibaba-v2023/nodes", what = "an Alibaba v2023 node list";
  else if (has("id") && has("submit_s") && has("duration_s")) name = "csv", what = "a native fleetsim CSV trace";
  else if (has("date") && has("total") && first.find(",vc") != std::string::npos) name = "helios/nodes", what = "a Helios cluster_gpu_number.csv (VC sizes)";
  else {
    // Headerless tables: PAI 2020 rows are recognised by their column count and content.
    std::size_t commas = 0;
    for (char ch : first) commas += ch == ',';
    if (commas == 9 && (first.find(",Terminated,") != std::string::npos || first.find(",Failed,") != std::string::npos ||
                        first.find(",Running,") != std::string::npos || first.find(",Waiting,") != std::string::npos))
      name = "pai-2020", what = "a PAI 2020 pai_task_table.csv";
    else if (commas == 5 && (first.find(",Terminated,") != std::string::npos || first.find(",Failed,") != std::string::npos ||
                             first.find(",Running,") != std::string::npos || first.find(",Waiting,") != std::string::npos))
      name = "pai-2020", what = "a PAI 2020 pai_job_table.csv";
    else if (commas == 4 && (first.find(",CPU,") != std::string::npos || first.find(",P100,") != std::string::npos ||
                             first.find(",T4,") != std::string::npos || first.find(",V100") != std::string::npos ||
                             first.find(",MISC,") != std::string::npos))
      name = "pai-2020/nodes", what = "a PAI 2020 pai_machine_spec.csv (a node list)";
    else {
      // SWF without header comments: 18 numbers separated by spaces.
      std::size_t fields = 0;
      bool numeric = !h.empty();
      bool in_field = false;
      for (char ch : h) {
        const bool space = ch == ' ' || ch == '\t';
        if (!space && !in_field) ++fields;
        in_field = !space;
        if (!space && !((ch >= '0' && ch <= '9') || ch == '-' || ch == '.')) numeric = false;
      }
      if (numeric && fields == 18) name = "swf", what = "a Standard Workload Format log";
    }
  }
  if (what.empty() || name == expected) return "";
  if (name.empty()) return "this looks like " + what;
  if (name.ends_with("/nodes"))
    return "this looks like " + what + "; use it as cluster.node_list with cluster.format " +
           name.substr(0, name.size() - 6);
  return "this looks like " + what + "; use format " + name;
}

} // namespace fleetsim::traces
