// Philly cluster_job_log (a JSON array read one element at a time) and cluster_machine_list.
#include "sim/io/traces/philly.hpp"

#include <algorithm>
#include <fstream>

#include "sim/common/error.hpp"
#include "sim/io/csv.hpp"
#include "sim/io/input.hpp"
#include "sim/io/traces/table.hpp"

namespace fleetsim::traces {
namespace {

/// Largest single job object accepted, bytes (Philly's largest are a few KiB).
constexpr std::size_t kMaxElementBytes = std::size_t{64} << 20;

/// The elements of a top-level JSON array, each as text with the line it starts on.
/// A character for a message: itself when printable ASCII, else its byte value.
std::string shown_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u >= 0x20 && u < 0x7F) return in_quotes(std::string(1, c));
  char buf[16];
  std::snprintf(buf, sizeof buf, "byte 0x%02X", u);
  return buf;
}

class ArrayStream {
public:
  ArrayStream(const std::filesystem::path& file, std::string label) : label_(std::move(label)) {
    in_.open(file, std::ios::binary);
    if (!in_) throw InputError(label_ + ": cannot open file");
    skip_space();
    if (eof()) throw InputError(label_ + ": empty file, expected a JSON array of jobs");
    if (peek() != '[') {
      const auto hint = sniff(file, "philly");
      throw InputError(label_ + ":" + std::to_string(line_) + ": expected a JSON array of jobs ('['), got " +
                       shown_char(peek()) + (hint.empty() ? std::string() : " (" + hint + ")"));
    }
    get();
  }

  /// The next element; false after the closing ']'.
  bool next(std::string& text, std::int64_t& line) {
    skip_space();
    if (eof()) throw InputError(label_ + ":" + std::to_string(line_) + ": unexpected end of file; the array is not closed");
    if (first_ && peek() == ']') return close();
    if (!first_) {
      if (peek() == ']') return close();
      if (peek() != ',')
        throw InputError(label_ + ":" + std::to_string(line_) + ": expected ',' or ']' after a job, got " +
                         shown_char(peek()));
      get();
      skip_space();
    }
    first_ = false;
    line = line_;
    text.clear();
    int depth = 0;
    bool in_string = false, escaped = false;
    for (;;) {
      if (eof()) {
        if (depth == 0 && !in_string && !text.empty()) break;  // the next call reports the unclosed array
        throw InputError(label_ + ":" + std::to_string(line) + ": unexpected end of file inside this job");
      }
      const char c = peek();
      if (!in_string && depth == 0 && (c == ',' || c == ']')) break;
      get();
      text.push_back(c);
      if (text.size() > kMaxElementBytes)
        throw InputError(label_ + ":" + std::to_string(line) + ": job object longer than " +
                         std::to_string(kMaxElementBytes) + " bytes");
      if (in_string) {
        if (escaped) escaped = false;
        else if (c == '\\') escaped = true;
        else if (c == '"') in_string = false;
      } else if (c == '"') {
        in_string = true;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (--depth < 0) throw InputError(label_ + ":" + std::to_string(line_) + ": unbalanced '" + std::string(1, c) + "'");
      }
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\n' || text.back() == '\r' || text.back() == '\t'))
      text.pop_back();
    return true;
  }

private:
  bool close() {
    get();
    skip_space();
    if (!eof())
      throw InputError(label_ + ":" + std::to_string(line_) + ": unexpected text after the array's closing ']'");
    return false;
  }
  bool fill() {
    if (pos_ < buf_.size()) return true;
    buf_.resize(1 << 16);
    in_.read(buf_.data(), static_cast<std::streamsize>(buf_.size()));
    buf_.resize(static_cast<std::size_t>(in_.gcount()));
    pos_ = 0;
    return !buf_.empty();
  }
  bool eof() { return !fill(); }
  char peek() { return buf_[pos_]; }
  char get() {
    const char c = buf_[pos_++];
    if (c == '\n') ++line_;
    return c;
  }
  void skip_space() {
    while (!eof() && (peek() == ' ' || peek() == '\n' || peek() == '\r' || peek() == '\t')) get();
  }

  std::ifstream in_;
  std::string label_;
  std::string buf_;
  std::size_t pos_ = 0;
  std::int64_t line_ = 1;
  bool first_ = true;
};

using json = nlohmann::json;

struct Where {
  const std::string& label;
  std::int64_t line;
  std::string pointer;
  [[noreturn]] void fail(const std::string& at, const std::string& what, const json* got) const {
    std::string g;
    if (got) {
      g = got->dump(-1, ' ', false, json::error_handler_t::replace);
      if (g.size() > 80) g = g.substr(0, 77) + "...";
      g = ", got " + g;
    }
    throw InputError(label + ":" + std::to_string(line) + ": " + pointer + at + ": " + what + g);
  }
};

/// A Philly time: a text, or null / "" / "None" for "not logged".
std::optional<double> philly_time(const json& obj, const char* key, const Where& w, const std::string& at) {
  if (!obj.contains(key)) return std::nullopt;
  const json& v = obj[key];
  if (v.is_null()) return std::nullopt;
  if (!v.is_string()) w.fail(at + "/" + key, "expected a time \"YYYY-MM-DD HH:MM:SS\" or null", &v);
  const auto& s = v.get_ref<const std::string&>();
  if (is_missing(s)) return std::nullopt;
  const auto t = parse_datetime(s);
  if (!t) w.fail(at + "/" + key, "expected a time \"YYYY-MM-DD HH:MM:SS\" or null", &v);
  return t;
}

std::string text_of(const json& obj, const char* key, const Where& w, bool required) {
  if (!obj.contains(key) || obj[key].is_null()) {
    if (required) w.fail(std::string("/") + key, "required key is missing", nullptr);
    return "";
  }
  if (!obj[key].is_string()) w.fail(std::string("/") + key, "expected a string", &obj[key]);
  return obj[key].get<std::string>();
}

} // namespace

void read_philly(const std::vector<std::filesystem::path>& files, Shaper& out) {
  // The log is not known to be sorted by submission, so time 0 cannot be its first job's day:
  // it is the start of the day the publisher says submissions begin ("Jobs submitted between
  // 2017-08-07 - 2017-12-22", msr-fiddle/philly-traces README). Earlier jobs are counted skipped.
  out.fixed_origin(*parse_datetime("2017-08-07 00:00:00"),
                   "2017-08-07 00:00:00 (the first submission day the Philly README gives)");
  TraceJob t;
  std::vector<TraceJob> open;  // last attempts still running at the snapshot
  std::vector<double> open_start;
  double latest = -1e300;
  std::string text;
  for (const auto& file : files) {
    if (files.size() > 1) out.id_prefix(Shaper::file_tag(file));
    const std::string label = input::shown(file);
    ArrayStream in(file, label);
    std::int64_t line = 0;
    std::int64_t index = 0;
    t.file = label;
    for (; in.next(text, line); ++index) {
      out.row();
      const json obj = input::parse_json_unordered(text, label, line);
      const Where w{label, line, "/" + std::to_string(index)};
      if (!obj.is_object()) w.fail("", "expected a job object", &obj);
      const std::string id = text_of(obj, "jobid", w, true);
      if (id.empty()) w.fail("/jobid", "expected a non-empty job id", &obj["jobid"]);
      const std::string status = text_of(obj, "status", w, false);
      t.vc = text_of(obj, "vc", w, false);
      const auto submitted = philly_time(obj, "submitted_time", w, "");
      if (submitted) latest = std::max(latest, *submitted);
      if (!obj.contains("attempts") || obj["attempts"].is_null()) w.fail("/attempts", "required key is missing", nullptr);
      const json& attempts = obj["attempts"];
      if (!attempts.is_array()) w.fail("/attempts", "expected an array of attempts", &attempts);
      if (attempts.empty()) {
        out.skip("job without attempts (" + (status.empty() ? std::string("no status") : status) + " before it started)");
        continue;
      }
      if (!submitted) {
        out.skip("job without submitted_time");
        continue;
      }
      std::optional<double> prev_end, prev_start;
      for (std::size_t k = 0; k < attempts.size(); ++k) {
        const std::string at = "/attempts/" + std::to_string(k);
        const json& a = attempts[k];
        if (!a.is_object()) w.fail(at, "expected an attempt object", &a);
        const auto start = philly_time(a, "start_time", w, at);
        const auto end = philly_time(a, "end_time", w, at);
        if (start) latest = std::max(latest, *start);
        if (end) latest = std::max(latest, *end);
        std::int64_t servers = 0, most = 0, total = 0;
        if (a.contains("detail") && !a["detail"].is_null()) {
          const json& detail = a["detail"];
          if (!detail.is_array()) w.fail(at + "/detail", "expected an array of servers", &detail);
          for (std::size_t s = 0; s < detail.size(); ++s) {
            const json& d = detail[s];
            const std::string ds = at + "/detail/" + std::to_string(s);
            if (!d.is_object()) w.fail(ds, "expected a server object {\"ip\", \"gpus\"}", &d);
            if (!d.contains("gpus") || d["gpus"].is_null()) continue;
            if (!d["gpus"].is_array()) w.fail(ds + "/gpus", "expected an array of GPU names", &d["gpus"]);
            const auto n = static_cast<std::int64_t>(d["gpus"].size());
            if (n == 0) continue;
            ++servers;
            most = std::max(most, n);
            total += n;
          }
        }
        const double submit = k == 0 ? *submitted : prev_end ? *prev_end : prev_start ? *prev_start : *submitted;
        prev_end = end;
        prev_start = start;
        if (!start) {
          out.skip("attempt without start_time");
          continue;
        }
        if (most > 64) {
          out.skip("more than 64 GPUs on one server");
          continue;
        }
        if (most * servers != total) out.note("uneven GPUs per server: each allocation given the largest");
        t.job.id = id + "/" + std::to_string(k);
        t.line = line;
        t.models.clear();
        t.num_nodes = std::max<std::int64_t>(1, servers);
        Job& j = t.job;
        j.kind = most > 0 ? JobKind::training : JobKind::preprocessing;
        j.submit_s = std::min(submit, *start);
        j.req.num_gpu = static_cast<std::int32_t>(most);
        j.req.gpu_milli = most > 0 ? 1000 : 0;
        j.req.cpu_milli = 0;
        j.req.memory_mib = 0;
        j.priority = 0;
        if (!end) {
          if (k + 1 == attempts.size()) {
            open.push_back(t);
            if (files.size() > 1) open.back().job.id.insert(0, Shaper::file_tag(file) + "/");
            open_start.push_back(*start);
          } else {
            out.skip("attempt without end_time (not the last)");
          }
          continue;
        }
        if (*end < *start) {
          out.skip("attempt ending before it started");
          continue;
        }
        j.duration_s = *end - *start;
        out.offer(t);
      }
    }
  }
  // Still running at the snapshot: until the latest time the log mentions.
  out.id_prefix("");  // their ids carry their file's tag already
  for (std::size_t i = 0; i < open.size(); ++i) {
    open[i].job.duration_s = std::max(0.0, latest - open_start[i]);
    out.note("last attempt without end_time: runs until the log's latest time");
    out.offer(open[i]);
  }
}

ClusterState read_philly_machines(const std::filesystem::path& file, GpuModels& models) {
  csv::Reader reader(file);
  std::vector<std::string_view> fields;
  NodeListBuilder nodes(models);
  const std::vector<std::string> kCols = {"machineId", "number of GPUs", "single GPU mem"};
  const Columns cols(kCols);
  bool first = true;
  while (reader.next_views(fields)) {
    const Cells c{reader.label(), reader.line(), cols, fields};
    if (first) {
      first = false;
      if (fields.size() == 3 && trim(fields[0]) == "machineId") continue;  // the header row
      if (!csv::parse_int(trim(fields.size() > 1 ? fields[1] : std::string_view()))) {
        const auto hint = sniff(file, "philly/nodes");
        throw InputError(c.at() + ": expected a Philly cluster_machine_list row \"machineId,number of GPUs,single GPU "
                                  "mem\" (e.g. m31,8, 24GB)" + (hint.empty() ? std::string() : " (" + hint + ")"));
      }
    }
    c.check_width();
    const std::string name(c.text(0));
    if (name.empty()) c.fail(0, "expected a machine id");
    const auto gpus = c.integer(1, 0, 64, "expected a GPU count from 0 to 64");
    std::string mem(c.text(2));
    if (gpus > 0 && mem.empty()) c.fail(2, "expected the memory of one GPU, e.g. 24GB");
    nodes.add(c.at(), name, 0, 0, gpus, "GPU-" + mem);
  }
  return nodes.take(reader.label());
}

} // namespace fleetsim::traces
