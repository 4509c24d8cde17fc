#pragma once
// Internal to the trace readers: a CSV header mapped to known columns, and one row's cells
// read with located errors ("file:line: column <name>: expected ..., got \"...\"").
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "sim/common/error.hpp"
#include "sim/io/csv.hpp"
#include "sim/io/input.hpp"
#include "sim/model/cluster.hpp"
#include "sim/model/gpu_models.hpp"
#include "sim/io/traces/import.hpp"

namespace fleetsim::traces {

/// @brief Which known column each header cell is. Unknown columns are errors unless listed in
/// `ignored`; missing required ones too. Errors add what the file looks like (sniff()).
class Columns {
public:
  Columns(const std::vector<std::string_view>& header, const std::vector<std::string>& known, std::size_t required,
          const std::vector<std::string>& ignored, const std::string& at, const std::filesystem::path& file,
          const std::string& format, const std::string& sniff_as = "")
      : known_(known), index_(known.size(), -1), width_(header.size()) {
    auto hint = [&] {
      const auto s = sniff(file, sniff_as.empty() ? format : sniff_as);
      return s.empty() ? std::string() : " (" + s + ")";
    };
    for (std::size_t c = 0; c < header.size(); ++c) {
      const std::string_view name = trim(header[c]);
      int k = -1;
      for (std::size_t i = 0; i < known.size(); ++i)
        if (known[i] == name) k = static_cast<int>(i);
      if (k < 0) {
        bool skip = false;
        for (const auto& g : ignored) skip |= g == name;
        if (skip) continue;
        const auto close = csv::closest(name, known);
        throw InputError(at + ": column " + std::to_string(c + 1) + ": unknown column " + in_quotes(name) +
                         (close.empty() ? "; " + format + " columns are: " + list() : "; did you mean " + in_quotes(close) + "?") +
                         hint());
      }
      if (index_[static_cast<std::size_t>(k)] >= 0) throw InputError(at + ": column " + in_quotes(name) + " appears twice");
      index_[static_cast<std::size_t>(k)] = static_cast<int>(c);
    }
    for (std::size_t i = 0; i < required; ++i)
      if (index_[i] < 0)
        throw InputError(at + ": missing column " + in_quotes(known[i]) + "; " + format + " columns are: " + list() + hint());
  }
  /// Headerless tables: the known columns in order.
  explicit Columns(const std::vector<std::string>& known) : known_(known), index_(known.size()), width_(known.size()) {
    for (std::size_t i = 0; i < known.size(); ++i) index_[i] = static_cast<int>(i);
  }
  bool has(std::size_t k) const { return index_[k] >= 0; }
  std::size_t index(std::size_t k) const { return static_cast<std::size_t>(index_[k]); }
  std::size_t width() const { return width_; }
  const std::string& name(std::size_t k) const { return known_[k]; }
  std::string list() const {
    std::string s;
    for (const auto& k : known_) s += (s.empty() ? "" : ", ") + k;
    return s;
  }

private:
  std::vector<std::string> known_;
  std::vector<int> index_;
  std::size_t width_;
};

/// @brief One row's cells, read by known column.
struct Cells {
  const std::string& label;
  std::int64_t line;
  const Columns& cols;
  const std::vector<std::string_view>& fields;

  std::string at() const { return label + ":" + std::to_string(line); }
  [[noreturn]] void fail(std::size_t k, const std::string& what) const {
    throw InputError(at() + ": column " + cols.name(k) + ": " + what + ", got " + in_quotes(text(k)));
  }
  std::string_view text(std::size_t k) const {
    return cols.has(k) ? trim(fields[cols.index(k)]) : std::string_view();
  }
  bool missing(std::size_t k) const { return !cols.has(k) || is_missing(text(k)); }
  void check_width() const {
    if (fields.size() != cols.width())
      throw InputError(at() + ": expected " + std::to_string(cols.width()) + " fields, got " +
                       std::to_string(fields.size()) + (fields.size() < cols.width() ? " (truncated row?)" : ""));
  }
  /// A number in [lo, hi]; integral values written as decimals ("4.0") are fine.
  double number(std::size_t k, double lo, double hi, std::string_view what) const {
    const auto v = csv::parse_double(text(k));
    if (!v || *v < lo || *v > hi) fail(k, std::string(what));
    return *v;
  }
  std::optional<double> opt_number(std::size_t k, double lo, double hi, std::string_view what) const {
    if (missing(k)) return std::nullopt;
    return number(k, lo, hi, what);
  }
  std::int64_t integer(std::size_t k, std::int64_t lo, std::int64_t hi, std::string_view what) const {
    const auto v = csv::parse_int(text(k));
    if (!v || *v < lo || *v > hi) fail(k, std::string(what));
    return *v;
  }
  /// A date-time text (parse_datetime), or nothing.
  std::optional<double> datetime(std::size_t k) const {
    if (missing(k)) return std::nullopt;
    const auto v = parse_datetime(text(k));
    if (!v) fail(k, "expected a time \"YYYY-MM-DD HH:MM:SS\" (optionally with a zone such as +08:00), or nothing");
    return v;
  }
};

/// @brief Builds a cluster from node-list rows: node types are the distinct (cpu, memory, GPUs,
/// model) shapes in order of first appearance; checks the cluster limits and duplicate names.
class NodeListBuilder {
public:
  explicit NodeListBuilder(GpuModels& models) : models_(models) {}
  /// `at` locates the row for errors.
  void add(const std::string& at, std::string name, std::int64_t cpu_milli, std::int64_t memory_mib, std::int64_t gpus,
           const std::string& model) {
    if (cluster_.num_nodes() >= input::kMaxNodes)
      throw InputError(at + ": more than " + std::to_string(input::kMaxNodes) + " nodes (the limit of a cluster)");
    if (auto [it, fresh] = seen_.emplace(name, at); !fresh)
      throw InputError(at + ": duplicate node name " + in_quotes(name) + " (first at " + it->second + ")");
    int m = -1;
    if (gpus > 0) {
      if (!models_.find(model) && models_.size() >= GpuModels::kMaxModels)
        throw InputError(at + ": more than " + std::to_string(GpuModels::kMaxModels) + " distinct GPU models");
      m = models_.intern(model);
    }
    std::size_t type = 0;
    while (type < shapes_.size() && shapes_[type] != std::make_tuple(cpu_milli, memory_mib, gpus, m)) ++type;
    if (type == shapes_.size()) shapes_.emplace_back(cpu_milli, memory_mib, gpus, m);
    gpus_ += gpus;
    if (gpus_ > input::kMaxGpus)
      throw InputError(at + ": more than " + std::to_string(input::kMaxGpus) + " GPUs (the limit of a cluster)");
    cluster_.add_node(std::move(name), static_cast<int>(type), cpu_milli, memory_mib, static_cast<int>(gpus), m);
  }
  ClusterState take(const std::string& label) {
    if (cluster_.num_nodes() == 0) throw InputError(label + ": no nodes, expected at least one row");
    return std::move(cluster_);
  }

private:
  GpuModels& models_;
  ClusterState cluster_;
  std::vector<std::tuple<std::int64_t, std::int64_t, std::int64_t, int>> shapes_;
  std::unordered_map<std::string, std::string> seen_;
  std::int64_t gpus_ = 0;
};

} // namespace fleetsim::traces
