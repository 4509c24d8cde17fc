#pragma once
// Pipeline templates and job work fields from scenarios and trace rows: the catalogs check
// scenario declarations (JSON pointers) and complete each job as its trace row is read
// (file:line), so every error is located. The MIG catalog itself is sim/model/mig_catalog.hpp.
#include <array>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/model/cluster.hpp"
#include "sim/model/job.hpp"
#include "sim/model/mig_catalog.hpp"
#include "sim/model/gpu_models.hpp"
#include "sim/model/job_work.hpp"

namespace fleetsim {

struct Scenario;

/// @brief Builds the MIG catalog of a scenario: every node type with `mig` true must have a GPU
/// model with a geometry (built in, or declared in cluster.mig_models). Interns the plain model
/// names into `models` too. Throws located InputError.
MigCatalog build_mig_catalog(const Scenario& sc, GpuModels& models, const std::string& label);

/// @brief The work fields of one trace row or inline job, as read.
struct WorkFields {
  std::string pipeline;                 ///< template name ("" = none)
  const nlohmann::json* pipeline_obj = nullptr;  ///< an inline pipeline object (JSON rows)
  std::string mode;                     ///< "" = the template's / scenario's default
  std::int64_t batches = 0;             ///< 0 = the pipeline's
  std::int64_t num_nodes = 1;
  std::string mig;                      ///< MIG profile name ("" = none)
  bool has_duration = false;   ///< a non-zero duration_s
  std::string resource_field;  ///< the first non-zero of cpu_milli, memory_mib, num_gpu, gpu_milli
  bool has_models = false;
};

/// @brief Pipeline templates of a scenario and the completion of each job from its work fields.
class WorkCatalog {
public:
  using Fail = std::function<void(const std::string& field, const std::string& what)>;

  /// @brief Reads workload.pipelines of the validated scenario. `cluster`, when given, is used
  /// to reject stages (and monolithic containers) that no node could ever hold. Throws located
  /// InputError.
  WorkCatalog(const Scenario& sc, const GpuModels& models, MigCatalog& mig, const ClusterState* cluster,
              const std::string& label);

  /// @brief Completes `job` (read with `models`) from its work fields: MIG request, multi-node
  /// gang, pipeline work (resources, ideal duration). Plain GPU jobs with no model restriction
  /// are kept off MIG-enabled GPUs. Calls `fail(field, what)`, which must throw, on a problem.
  void resolve(Job& job, const WorkFields& f, const Fail& fail) const;

private:
  struct Template {
    std::shared_ptr<const PipelineSpec> spec;
    std::string at;  // JSON pointer of the template
  };
  struct Entry {
    std::shared_ptr<const JobWork> work;
    Request req;
    double ideal_s = 0;
  };
  std::shared_ptr<PipelineSpec> parse_pipeline(const nlohmann::json& p, const std::string& label, const std::string& at,
                                               bool named) const;
  Request stage_request(const nlohmann::json& st, const std::string& label, const std::string& at) const;
  bool worker_fits(const Request& r) const;
  /// MIG-enabled models (among `named`, or all when 0) that have profile `name`.
  struct MigMatch {
    std::optional<int> profile;  // catalogue id of the profile name
    std::uint64_t mask = 0;      // models offering it
    std::int32_t nominal = 0;    // milli charged for one instance
    std::string have;            // "model: profiles; ..." of the allowed models, for messages
    bool ok() const { return profile && mask != 0; }
  };
  MigMatch match_mig(const std::string& name, std::uint64_t named) const;
  Entry make_entry(const std::shared_ptr<const PipelineSpec>& p, ExecMode mode, std::int64_t batches,
                   const Fail& fail, const std::string& field) const;

  const GpuModels& models_;
  MigCatalog& mig_;
  const ClusterState* cluster_;
  std::string label_;
  ExecMode default_mode_ = ExecMode::monolithic;
  std::vector<Template> templates_;
  std::uint64_t plain_mask_ = 0;  // every model id that is not MIG-enabled
  mutable std::map<std::tuple<std::size_t, int, std::int64_t>, Entry> cache_;
};


} // namespace fleetsim
