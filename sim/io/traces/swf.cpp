// Standard Workload Format: whitespace-separated fields, ';' comments, -1 for unknown.
#include "sim/io/traces/swf.hpp"

#include <cmath>

#include "sim/common/error.hpp"
#include "sim/io/csv.hpp"
#include "sim/io/input.hpp"

namespace fleetsim::traces {
namespace {

const char* const kFieldNames[18] = {"job number",   "submit time",         "wait time",       "run time",
                                     "allocated processors", "average CPU time", "used memory", "requested processors",
                                     "requested time", "requested memory",  "status",          "user",
                                     "group",          "executable",        "queue",           "partition",
                                     "preceding job",  "think time"};

} // namespace

void read_swf(const std::vector<std::filesystem::path>& files, Shaper& out) {
  out.fixed_origin(0, "0 s on the log's clock (its start)");
  TraceJob t;
  std::string line;
  double f[18];
  for (const auto& file : files) {
    if (files.size() > 1) out.id_prefix(Shaper::file_tag(file));
    csv::LineReader in(file);
    t.file = in.label();
    bool any = false;
    while (in.next(line)) {
      std::string_view s = trim(line);
      if (s.empty() || s.front() == ';') continue;
      const std::string at = in.label() + ":" + std::to_string(in.line());
      int n = 0;
      std::size_t i = 0;
      while (i < s.size()) {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
        if (i == s.size()) break;
        std::size_t j = i;
        while (j < s.size() && s[j] != ' ' && s[j] != '\t') ++j;
        const auto cell = s.substr(i, j - i);
        if (n == 18) {
          throw InputError(at + ": more than 18 fields; a Standard Workload Format line has exactly 18" +
                           [&] { const auto h = sniff(file, "swf"); return h.empty() ? std::string() : " (" + h + ")"; }());
        }
        const auto v = csv::parse_double(cell);
        if (!v) {
          const auto h = any ? std::string() : sniff(file, "swf");
          throw InputError(at + ":" + std::to_string(i + 1 + static_cast<std::size_t>(s.data() - line.data())) +
                           ": field " + std::to_string(n + 1) + " (" + kFieldNames[n] + "): expected a number, got " +
                           in_quotes(cell) + (h.empty() ? std::string() : " (" + h + ")"));
        }
        f[n++] = *v;
        i = j;
      }
      if (n != 18)
        throw InputError(at + ": " + std::to_string(n) + " fields; a Standard Workload Format line has exactly 18" +
                         [&] { const auto h = any ? std::string() : sniff(file, "swf"); return h.empty() ? std::string() : " (" + h + ")"; }());
      any = true;
      out.row();
      const double submit = f[1], run = f[3], status = f[10];
      double procs = f[4] >= 0 ? f[4] : f[7];
      if (submit < 0) {
        out.skip("no submit time");
        continue;
      }
      if (run < 0) {
        out.skip("no run time");
        continue;
      }
      if (run == 0 && status == 5) {
        out.skip("cancelled before start");
        continue;
      }
      if (procs <= 0) {
        out.skip("no processors");
        continue;
      }
      t.line = in.line();
      char id[32];
      std::snprintf(id, sizeof id, "%.0f", f[0]);
      t.job.id = id;
      t.vc.clear();
      if (f[14] >= 0) {
        char q[32];
        std::snprintf(q, sizeof q, "%.0f", f[14]);
        t.vc = q;
      }
      t.models.clear();
      t.num_nodes = 1;
      Job& j = t.job;
      j.kind = JobKind::preprocessing;
      j.submit_s = submit;
      j.duration_s = run;
      j.req.num_gpu = 0;
      j.req.gpu_milli = 0;
      j.req.cpu_milli = std::llround(procs * 1000);
      j.req.memory_mib = f[9] > 0 ? std::llround(f[9] * procs / 1024.0) : 0;
      j.req.model_mask = 0;
      j.priority = 0;
      out.offer(t);
    }
  }
}

} // namespace fleetsim::traces
