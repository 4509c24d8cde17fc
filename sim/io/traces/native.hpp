#pragma once
// Native workload traces: CSV with a header and JSON Lines, one job per row/line, fields
// id, kind, submit_s, duration_s, cpu_milli, memory_mib, num_gpu, gpu_milli, gpu_models,
// priority, and the work fields pipeline, mode, batches, num_nodes, mig (sim/io/work_catalog.hpp). Errors
// carry file:line and the column/field.
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/model/job.hpp"
#include "sim/model/gpu_models.hpp"

namespace fleetsim {

class WorkCatalog;  // sim/io/work_catalog.hpp: pipelines, MIG profiles and multi-node gangs a row may use

/// @brief Converts one job object (a JSONL line or an inline scenario job). `where` prefixes
/// every error message, e.g. "trace.jsonl:12" or "scenario.json: /workload/jobs/3".
/// In JSON-pointer style (`pointer_style` true) field errors read "<where>/<field>: ...",
/// else "<where>: field <field>: ...". Unknown GPU models in gpu_models are errors.
Job job_from_json(const nlohmann::json& obj, const GpuModels& models, const std::string& where,
                  bool pointer_style, const WorkCatalog* work = nullptr);

/// @brief Reads a native CSV trace. Throws InputError "file:line: column <name>: ...".
/// `lines` (optional) receives each job's line number.
std::vector<Job> read_csv_trace(const std::filesystem::path& file, const GpuModels& models,
                                const WorkCatalog* work = nullptr, std::vector<std::int64_t>* lines = nullptr);
/// @brief Reads a native JSON Lines trace. Throws InputError "file:line: ...".
std::vector<Job> read_jsonl_trace(const std::filesystem::path& file, const GpuModels& models,
                                  const WorkCatalog* work = nullptr, std::vector<std::int64_t>* lines = nullptr);

/// @brief Writes jobs as a native CSV trace (used by generators and converters).
void write_csv_trace(std::ostream& os, const std::vector<Job>& jobs, const GpuModels& models);

} // namespace fleetsim
