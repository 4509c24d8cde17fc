#include "sim/io/outputs.hpp"

#include <charconv>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <string_view>
#include <unistd.h>

#include "sim/common/error.hpp"

namespace fleetsim {

std::string format_double(double v) {
  char buf[32];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, p);
}

void write_file_atomic(const std::filesystem::path& file, const std::string& content) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (file.has_parent_path()) fs::create_directories(file.parent_path(), ec);
  if (ec) throw InputError(file.parent_path().string() + ": cannot create folder: " + ec.message());
  const fs::path tmp = file.string() + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw InputError(file.string() + ": cannot write file");
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.flush();
    if (!out) {
      out.close();
      fs::remove(tmp, ec);
      throw InputError(file.string() + ": write failed (disk full?)");
    }
  }
  fs::rename(tmp, file, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw InputError(file.string() + ": cannot replace file: " + ec.message());
  }
}

namespace {
/// @brief Appends `v` as one CSV field (RFC 4180): quoted, with quotes doubled, when it holds a
/// comma, a quote, CR or LF; as is otherwise.
void append_csv_field(std::string& s, std::string_view v) {
  if (v.find_first_of(",\"\r\n") == std::string_view::npos) {
    s += v;
    return;
  }
  s += '"';
  for (char c : v) {
    if (c == '"') s += '"';
    s += c;
  }
  s += '"';
}
} // namespace

std::string jobs_csv(const std::vector<Job>& jobs, const std::vector<JobRecord>& records, const ClusterState& cluster) {
  std::string s;
  s.reserve(jobs.size() * 96 + 128);
  s += "id,kind,status,submit_s,start_s,finish_s,wait_s,jct_s,duration_s,node,gpus,gpu_milli,cpu_milli,memory_mib,"
       "alloc_gpu_s,busy_gpu_s\n";
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const Job& j = jobs[i];
    const JobRecord& r = records[i];
    const bool started = r.start_s >= 0, finished = r.status == JobStatus::completed;
    append_csv_field(s, j.id);
    s += ',';
    s += to_string(j.kind);
    s += ',';
    s += to_string(r.status);
    s += ',' + format_double(j.submit_s) + ',';
    if (started) s += format_double(r.start_s);
    s += ',';
    if (finished) s += format_double(r.finish_s);
    s += ',';
    if (started) s += format_double(r.start_s - j.submit_s);
    s += ',';
    if (finished) s += format_double(r.finish_s - j.submit_s);
    s += ',' + format_double(j.duration_s) + ',';
    if (started) {
      // Jobs of several allocations list each one's node and GPUs, separated by '|'.
      const std::vector<Allocation> one{r.alloc};
      const auto& parts = r.parts.empty() ? one : r.parts;
      std::string nodes;
      for (std::size_t p = 0; p < parts.size(); ++p) nodes += (p ? "|" : "") + cluster.node(parts[p].node).name;
      append_csv_field(s, nodes);
      s += ',';
      for (std::size_t p = 0; p < parts.size(); ++p) {
        if (p) s += '|';
        bool first = true;
        for (const auto& g : parts[p].gpus) {
          if (!first) s += ';';
          first = false;
          s += std::to_string(g.gpu);
        }
        for (const auto& g : parts[p].pool) {  // pooled GPUs: "p" and the pooled-GPU index
          if (!first) s += ';';
          first = false;
          s += 'p' + std::to_string(g.gpu);
        }
      }
    } else {
      s += ',';
    }
    s += ',' + std::to_string(j.req.gpu_milli) + ',' + std::to_string(j.req.cpu_milli) + ',' +
         std::to_string(j.req.memory_mib) + ',' + format_fixed(static_cast<double>(r.gpu_alloc_milli_s / 1000.0L), 3) +
         ',' + format_fixed(static_cast<double>(r.gpu_busy_milli_s / 1000.0L), 3) + '\n';
  }
  return s;
}

std::string timeseries_csv(const std::vector<Sample>& series, bool fragmentation) {
  std::string s = "time_s,gpu_alloc_milli,gpu_busy_milli,cpu_alloc_milli,mem_alloc_mib,free_whole_gpus,queue_length,running_jobs";
  s += fragmentation ? ",frag_gpus,frag_ratio,stranded_gpus\n" : "\n";
  s.reserve(series.size() * 64 + s.size());
  for (const auto& x : series) {
    s += format_double(x.time_s) + ',' + std::to_string(x.gpu_alloc_milli) + ',' + std::to_string(x.gpu_busy_milli) +
         ',' + std::to_string(x.cpu_alloc_milli) +
         ',' + std::to_string(x.mem_alloc_mib) + ',' + std::to_string(x.free_whole_gpus) + ',' +
         std::to_string(x.queue_length) + ',' + std::to_string(x.running_jobs);
    if (fragmentation)
      s += ',' + format_fixed(x.frag_gpus, 3) + ',' + format_fixed(x.frag_ratio, 6) + ',' + std::to_string(x.stranded_gpus);
    s += '\n';
  }
  return s;
}

std::string format_fixed(double v, int decimals) {
  char b[64];
  std::snprintf(b, sizeof b, "%.*f", decimals, v);
  std::string s = b;
  if (s == "-0" || s.find_first_not_of("-0.") == std::string::npos) s = s.substr(s[0] == '-' ? 1 : 0);
  return s;
}

namespace {
std::string pct(double r) {
  char b[32];
  std::snprintf(b, sizeof b, "%.2f%%", r * 100);
  return b;
}
std::string num(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f", v);
  return b;
}
} // namespace

void print_summary_table(std::ostream& os, const nlohmann::ordered_json& s) {
  const auto& m = s.at("metrics");
  auto row = [&](const std::string& k, const std::string& v) { os << "  " << std::left << std::setw(22) << k << v << '\n'; };
  os << "scenario " << s.at("scenario").get<std::string>() << "  (queue " << s.at("policy").at("queue").get<std::string>()
     << ", placement " << s.at("policy").at("placement").get<std::string>() << ", seed " << s.at("seed").get<std::uint64_t>()
     << ")\n";
  row("cluster", std::to_string(s.at("cluster").at("nodes").get<int>()) + " nodes, " +
                     std::to_string(s.at("cluster").at("gpus").get<int>()) + " GPUs");
  if (m.contains("jobs")) {
    const auto& jobs = m.at("jobs");
    row("jobs", std::to_string(jobs.at("total").get<std::size_t>()) + " total, " +
                  std::to_string(jobs.at("completed").get<std::size_t>()) + " completed, " +
                  std::to_string(jobs.at("unplaceable").get<std::size_t>()) + " unplaceable, " +
                  std::to_string(jobs.at("pending_at_horizon").get<std::size_t>()) + " pending, " +
                  std::to_string(jobs.at("running_at_horizon").get<std::size_t>()) + " running at horizon");
  }
  for (const auto& [key, label] : {std::pair{"gpu_alloc_ratio", "GPU allocated"}, {"gpu_busy_ratio", "GPU busy"},
                                   {"cpu_alloc_ratio", "CPU allocated"}, {"mem_alloc_ratio", "memory allocated"}})
    if (m.contains(key)) row(label, pct(m.at(key).get<double>()));
  if (m.contains("idle_while_allocated_gpu_hours"))
    row("GPU idle, allocated", num(m.at("idle_while_allocated_gpu_hours").get<double>()) + " GPU-hours");
  for (const char* k : {"frag_ratio"})
    if (m.contains(k)) row(k, pct(m.at(k).get<double>()));
  if (m.contains("stranded_gpus")) row("stranded GPUs (mean)", num(m.at("stranded_gpus").get<double>()));
  if (m.contains("fill")) {
    const auto& f = m.at("fill");
    if (!f.at("arrived_pct").is_null())
      row("at 100% arrived", "GPU allocated " + num(f.at("gpu_alloc_pct").get<double>()) + "%, fragmentation " +
                                 num(f.at("frag_ratio_pct").get<double>()) + "% (" +
                                 num(f.at("frag_gpus").get<double>()) + " GPUs), " +
                                 std::to_string(f.at("failed_pods").get<std::int64_t>()) + " pods failed");
    row("pods", std::to_string(f.at("pods").get<std::int64_t>()) + " submitted (" +
                    std::to_string(f.at("sampled_pods").get<std::int64_t>()) + " sampled), " +
                    std::to_string(f.at("failed_pods_total").get<std::int64_t>()) + " failed in all");
    return;
  }
  for (const char* k : {"wait_s", "jct_s"}) {
    const auto& st = m.at(k);
    row(std::string(k) + " mean/p95/max", num(st.at("mean").get<double>()) + " / " + num(st.at("p95").get<double>()) +
                                              " / " + num(st.at("max").get<double>()));
  }
  row("makespan_s", num(m.at("makespan_s").get<double>()));
  if (m.contains("usd_total") && m.contains("energy_kwh")) {
    char b[160];
    std::snprintf(b, sizeof b, "$%.2f over the run ($%.0f per month), %.1f kWh", m.at("usd_total").get<double>(),
                  m.value("usd_per_month", 0.0), m.at("energy_kwh").get<double>());
    row("cost", b);
  }
  if (s.contains("run") && s.at("run").contains("wall_s"))
    row("wall time", num(s.at("run").at("wall_s").get<double>() * 1000) + " ms");
}

} // namespace fleetsim
