#pragma once
// Public GPU-cluster traces as fleetsim workloads (issue 16): the formats, the load shaping
// every format shares (window, virtual cluster, sampling, time scale), the counts an import
// reports, the native CSV writer and the guess of what a wrong-format file is.
//
// Each format's reader (sim/io/traces/<format>.cpp) streams its files row by row and hands
// every job to a Shaper, which filters, rebases and counts; nothing holds the whole trace.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "sim/model/cluster.hpp"
#include "sim/model/gpu_models.hpp"
#include "sim/model/job.hpp"

namespace fleetsim::traces {

/// @brief Load shaping, the same on every format (fleetsim import options, scenario workload keys).
struct ImportOptions {
  /// Keep jobs submitted in [start, end), seconds from the trace's origin; their submit times
  /// are then counted from `start`.
  std::optional<double> window_start, window_end;
  std::string vc;                 ///< keep only this virtual cluster ("" = all); formats without VCs reject it
  std::optional<double> sample;   ///< keep each job with this probability (0 < p <= 1), by a hash of (seed, id)
  std::uint64_t seed = 42;
  double time_scale = 1.0;        ///< submit times (after the window) are multiplied by this; durations are not
};

/// @brief One job as a format reader produced it, before shaping. The reader reuses one object.
struct TraceJob {
  Job job;                  ///< submit_s on the trace's clock (seconds from its origin); no model mask
  std::string models;       ///< allowed GPU models, '|'-separated, as the trace names them ("" = any)
  std::int64_t num_nodes = 1;  ///< a gang of num_nodes allocations of job.req
  std::string vc;           ///< virtual cluster / queue / organization ("" when the format has none)
  std::string file;         ///< file the job came from (shown form)
  std::int64_t line = 0;    ///< line of its row (JSON: of its object)
};

/// @brief What an import read, printed by `fleetsim import` and checked by tests.
struct ImportStats {
  std::int64_t rows = 0;       ///< data rows (JSON: job objects) read
  std::int64_t jobs = 0;       ///< jobs kept (Philly: one per scheduling attempt)
  std::int64_t gpu_jobs = 0;   ///< kept jobs asking for GPUs
  double gpu_hours = 0;        ///< sum over kept jobs of GPUs x duration, hours
  std::map<std::string, std::int64_t> skipped;  ///< rows or jobs not kept, by reason
  std::map<std::string, std::int64_t> notes;    ///< kept jobs changed on the way in, by what was done
  std::optional<double> first_submit, last_submit;  ///< of kept jobs, output clock (seconds)
  std::string origin;          ///< what output time 0 is, e.g. "2020-04-01 00:00:00 (trace clock)"
};

/// @brief Filters, rebases and counts jobs, then passes the kept ones to a sink.
class Shaper {
public:
  using Sink = std::function<void(const TraceJob&)>;
  Shaper(const ImportOptions& opt, Sink sink);

  /// A data row was read (counted once, whatever becomes of it).
  void row() { ++stats_.rows; }
  /// A row or job not kept, with a short reason ("cancelled before start").
  void skip(const std::string& reason) { ++stats_.skipped[reason]; }
  /// A kept job was changed (e.g. "GPUs rounded up to a multiple of node_num").
  void note(const std::string& what) { ++stats_.notes[what]; }
  /// Sets the trace's origin, once, from the first job's submit time (the start of its day on
  /// the trace clock) unless the format fixes it with fixed_origin().
  void fixed_origin(double t, std::string text);
  /// Offers a job; it is filtered (origin, vc, window, sample), rebased, scaled and sunk.
  void offer(TraceJob& j);
  const ImportStats& stats() const { return stats_; }
  bool has_origin() const { return origin_.has_value(); }
  /// Job ids of the following jobs are prefixed "<tag>/" (several logs read at once, e.g. two
  /// clusters' Slurm logs whose job ids may repeat); "" = no prefix.
  void id_prefix(std::string tag) { prefix_ = tag.empty() ? std::string() : tag + "/"; }
  /// The tag of a log among several: its file name without extension, or its folder's name
  /// when the publisher names every cluster's file the same (Venus/cluster_log.csv -> Venus).
  static std::string file_tag(const std::filesystem::path& file);

private:
  ImportOptions opt_;
  Sink sink_;
  ImportStats stats_;
  std::optional<double> origin_;
  std::string prefix_;
};

/// @brief How a format is read: files, options, shaper.
struct Format {
  std::string name;        ///< workload.format value
  std::string summary;     ///< one line for --help and docs
  bool has_vc = false;     ///< --vc means something for it
  std::function<void(const std::vector<std::filesystem::path>&, Shaper&)> read;
};

/// @brief The importable formats, in documentation order (helios, philly, pai-2020, acme, swf,
/// alibaba-2025-dlrm, alibaba-2026-spot).
const std::vector<Format>& formats();
/// @brief The format of this name, or nullptr.
const Format* find_format(std::string_view name);
/// @brief Names of the importable formats, comma-separated.
std::string format_names();

/// @brief Reads `files` in `format` through a Shaper into `sink`. Throws InputError (located)
/// for bad input, for an unknown format, or for --vc on a format without virtual clusters.
ImportStats import_trace(const std::string& format, const std::vector<std::filesystem::path>& files,
                         const ImportOptions& opt, const Shaper::Sink& sink);

/// @brief The job with its models resolved against `models`; an unknown model is a located
/// InputError naming the cluster's models. Gangs (num_nodes > 1) are left to the caller.
Job resolve_models(const TraceJob& t, const GpuModels& models);

/// @brief Streams kept jobs as a native CSV trace (header first; num_nodes column included).
class NativeWriter {
public:
  explicit NativeWriter(std::ostream& os);
  void write(const TraceJob& j);

private:
  std::ostream& os_;
  std::string buf_;
};

/// @brief The printed report of an import: rows, jobs, GPU jobs, GPU-hours, skipped rows by
/// reason, notes, time span.
void print_stats(std::ostream& os, const ImportStats& s);

// ---- Node lists (cluster.format) ------------------------------------------------------------

/// @brief Node-list formats: alibaba-v2023, helios, philly, pai-2020, alibaba-2026-spot.
const std::vector<std::string>& cluster_formats();
/// @brief Reads a node list in `format`; GPU models are interned into `models`. Node types are
/// the distinct (cpu, memory, GPUs, model) rows in order of first appearance.
ClusterState read_cluster(const std::string& format, const std::filesystem::path& file, GpuModels& models);

// ---- Helpers the format readers share ------------------------------------------------------

/// @brief "YYYY-MM-DD HH:MM:SS[.frac]" with an optional zone (" PST", " PDT", " UTC", "Z",
/// "+08:00"): seconds since 1970-01-01 UTC (a time without a zone is taken as UTC). nullopt
/// when it is not such a text.
std::optional<double> parse_datetime(std::string_view s);
/// @brief seconds since 1970 as "YYYY-MM-DD HH:MM:SS".
std::string format_datetime(double t);
/// @brief True for the texts traces use for "no value": "", "None", "none", "nan", "NaN", "NA", "null".
bool is_missing(std::string_view s);
/// @brief Trims spaces and tabs at both ends.
std::string_view trim(std::string_view s);
/// @brief A value in quotes for messages, cut at 80 bytes.
std::string in_quotes(std::string_view s);
/// @brief What `file` looks like when it is not in `expected` format (a workload format, or
/// "<format>/nodes" for a node list): a hint such as "this looks like a Helios cluster_log.csv;
/// use format helios", or "".
std::string sniff(const std::filesystem::path& file, const std::string& expected);

} // namespace fleetsim::traces
