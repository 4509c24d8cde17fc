// fleetsim import FORMAT FILE... [-o trace.csv]: a public trace as a native CSV trace, with the
// counts of what was read. --node-list FILE prints a machine list's nodes and GPUs by model.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>

#include <unistd.h>

#include "sim/common/error.hpp"
#include "sim/io/input.hpp"
#include "sim/io/traces/import.hpp"
#include "commands.hpp"

namespace fleetsim::cli {

Command add_import(CLI::App& app) {
  struct Args {
    std::string format, out, node_list;
    std::vector<std::string> files;
    std::vector<double> window;
    std::string vc;
    double sample = 0;
    std::uint64_t seed = 42;
    double time_scale = 1.0;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("import", "Convert a public trace (Helios, Philly, PAI 2020, Acme, SWF, Alibaba 2025 "
                                           "DLRM, Alibaba 2026 spot) to a native CSV trace and print what was read");
  cmd->add_option("format", a->format, "Trace format: " + traces::format_names())->required();
  cmd->add_option("files", a->files, "Trace files (pai-2020: pai_job_table.csv and pai_task_table.csv)");
  cmd->add_option("-o,--output", a->out, "Native CSV trace to write (atomically); without it only the counts are printed");
  cmd->add_option("--window", a->window, "Keep jobs submitted in [START, END), seconds from the trace's origin")
      ->expected(2)
      ->type_name("START END");
  cmd->add_option("--vc", a->vc, "Keep one virtual cluster (helios, philly: vc; swf: queue; dlrm: app; spot: organization)");
  cmd->add_option("--sample", a->sample, "Keep each job with this probability (0 < FRACTION <= 1)")->type_name("FRACTION");
  cmd->add_option("--seed", a->seed, "Seed of --sample (default 42)");
  cmd->add_option("--time-scale", a->time_scale, "Multiply submit times by X (< 1: more load; durations kept)")
      ->type_name("X");
  cmd->add_option("--node-list", a->node_list,
                  "Read a machine list of this format (helios, philly, pai-2020, alibaba-2026-spot, alibaba-v2023) and print its "
                  "nodes and GPUs by model");
  return {cmd, [a] {
            if (!a->node_list.empty()) {
              GpuModels models;
              const auto c = traces::read_cluster(a->format, a->node_list, models);
              std::map<std::string, std::pair<std::int64_t, std::int64_t>> by_model;  // model -> nodes, GPUs
              std::int64_t cpu = 0;
              for (const auto& n : c.nodes()) {
                const std::string m = n.gpu_count == 0 ? std::string("(no GPU)") : models.name(n.gpu_model);
                ++by_model[m].first;
                by_model[m].second += n.gpu_count;
                cpu += n.cpu_milli;
              }
              std::cout << "node list " << input::shown(a->node_list) << " (" << a->format << ")\n"
                        << "  nodes                " << c.num_nodes() << "\n"
                        << "  GPUs                 " << c.num_gpus() << "\n"
                        << "  vCPUs                " << cpu / 1000 << "\n";
              for (const auto& [m, v] : by_model)
                std::cout << "    " << m << ": " << v.first << " nodes, " << v.second << " GPUs\n";
              if (!a->files.empty() || !a->out.empty())
                throw InputError("--node-list reads a machine list only; import the jobs in a separate call");
              return kExitOk;
            }
            if (a->files.empty()) throw InputError("import " + a->format + ": no trace file given");
            traces::ImportOptions opt;
            if (!a->window.empty()) {
              if (a->window[0] < 0 || a->window[1] <= a->window[0])
                throw InputError("--window START END: expected 0 <= START < END");
              opt.window_start = a->window[0];
              opt.window_end = a->window[1];
            }
            opt.vc = a->vc;
            if (a->sample != 0) {
              if (!(a->sample > 0 && a->sample <= 1)) throw InputError("--sample: expected a fraction in (0, 1]");
              opt.sample = a->sample;
            }
            opt.seed = a->seed;
            if (!(a->time_scale > 0 && a->time_scale <= 1e6)) throw InputError("--time-scale: expected a number in (0, 1e6]");
            opt.time_scale = a->time_scale;
            std::vector<std::filesystem::path> files(a->files.begin(), a->files.end());

            namespace fs = std::filesystem;
            traces::ImportStats stats;
            if (a->out.empty()) {
              stats = traces::import_trace(a->format, files, opt, [](const traces::TraceJob&) {});
            } else {
              // Written beside the target, renamed into place when complete (a failed import leaves nothing).
              const fs::path out = a->out;
              std::error_code ec;
              if (out.has_parent_path()) fs::create_directories(out.parent_path(), ec);
              const fs::path tmp = out.string() + ".tmp." + std::to_string(::getpid());
              std::ofstream os;
              std::vector<char> buffer(std::size_t{1} << 20);
              os.rdbuf()->pubsetbuf(buffer.data(), static_cast<std::streamsize>(buffer.size()));
              os.open(tmp, std::ios::binary | std::ios::trunc);
              if (!os) throw InputError(a->out + ": cannot write file");
              try {
                traces::NativeWriter writer(os);
                stats = traces::import_trace(a->format, files, opt, [&](const traces::TraceJob& t) { writer.write(t); });
                os.flush();
                if (!os) throw InputError(a->out + ": write failed (disk full?)");
                os.close();
                if (stats.jobs == 0) throw InputError(a->out + ": no jobs left to write (see the skipped counts above)");
                fs::rename(tmp, out, ec);
                if (ec) throw InputError(a->out + ": cannot replace file: " + ec.message());
              } catch (...) {
                os.close();
                fs::remove(tmp, ec);
                if (stats.rows > 0) {
                  std::cout << "import " << a->format << " (nothing written)\n";
                  traces::print_stats(std::cout, stats);
                }
                throw;
              }
            }
            std::cout << "import " << a->format;
            for (const auto& f : a->files) std::cout << " " << input::shown(f);
            std::cout << "\n";
            traces::print_stats(std::cout, stats);
            if (!a->out.empty()) std::cout << "  written              " << a->out << "\n";
            return kExitOk;
          }};
}

} // namespace fleetsim::cli
