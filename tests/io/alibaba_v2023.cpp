// Alibaba cluster-trace-gpu-v2023 importers: the published facts of the copied files, the job
// mapping, and located errors for malformed rows.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "sim/io/traces/alibaba_v2023.hpp"
#include "sim/common/error.hpp"

using namespace fleetsim;

namespace {

const std::string kData = FLEETSIM_SOURCE_DIR "/scenarios/data/alibaba-v2023";

/// Writes `text` to a fresh file in the temp folder and returns its path.
std::filesystem::path temp_csv(const std::string& name, const std::string& text) {
  const auto dir = std::filesystem::temp_directory_path() / "fleetsim-unit-alibaba";
  std::filesystem::create_directories(dir);
  const auto file = dir / name;
  std::ofstream(file, std::ios::binary) << text;
  return file;
}

std::string node_error(const std::string& text) {
  const auto file = temp_csv("nodes.csv", text);
  GpuModels models;
  try {
    (void)alibaba::read_node_list(file, models);
  } catch (const InputError& e) {
    const std::string msg = e.what();
    return msg.substr(msg.find("nodes.csv"));
  }
  return "(valid)";
}

const std::string kPodHeader =
    "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time\n";

std::string pod_error(const std::string& text) {
  const auto file = temp_csv("pods.csv", text);
  GpuModels models;
  models.intern("T4");
  models.intern("V100M16");
  try {
    (void)alibaba::read_pod_list(file, models);
  } catch (const InputError& e) {
    const std::string msg = e.what();
    return msg.substr(msg.find("pods.csv"));
  }
  return "(valid)";
}

} // namespace

TEST_CASE("the GPU-node list is the paper's 1213-node, 6212-GPU cluster") {
  GpuModels models;
  const auto list = alibaba::read_node_list(kData + "/openb_node_list_gpu_node.csv", models);
  const ClusterState& c = list.cluster;
  CHECK(c.num_nodes() == 1213);
  CHECK(c.num_gpus() == 6212);
  CHECK(c.total_cpu_milli() == 107018000);
  CHECK(c.total_memory_mib() == 503828480);
  std::map<std::string, int> by_model;
  for (const auto& n : c.nodes()) by_model[models.name(n.gpu_model)] += n.gpu_count;
  CHECK(by_model == std::map<std::string, int>{{"A10", 2},      {"G2", 4392},      {"G3", 312},  {"P100", 265},
                                               {"T4", 842},     {"V100M16", 195},  {"V100M32", 204}});
  CHECK(c.node(0).name == "openb-node-0000");
  CHECK(c.node(0).cpu_milli == 64000);
  CHECK(c.node(0).memory_mib == 262144);
  CHECK(c.node(0).gpu_count == 2);
  CHECK(models.name(c.node(0).gpu_model) == "P100");
  CHECK(c.node(1212).name == "openb-node-1212");
  // Node types: the distinct rows, counted.
  CHECK(list.types.size() == 15);
  std::int64_t typed = 0;
  for (const auto& t : list.types) typed += t.count;
  CHECK(typed == 1213);
  CHECK(list.types[0].name == "P100x2-64c-256g");
  CHECK(list.types[static_cast<std::size_t>(c.node(1212).type)].name == "G2x8-96c-384g");
  CHECK(list.types[static_cast<std::size_t>(c.node(1212).type)].count == 549);
}

TEST_CASE("the all-node list adds 310 CPU-only nodes") {
  GpuModels models;
  const auto list = alibaba::read_node_list(kData + "/openb_node_list_all_node.csv", models);
  CHECK(list.cluster.num_nodes() == 1523);
  CHECK(list.cluster.num_gpus() == 6212);
  CHECK(list.cluster.total_cpu_milli() == 125514000);
  int cpu_only = 0;
  for (const auto& n : list.cluster.nodes()) cpu_only += n.gpu_count == 0 && n.gpu_model == -1;
  CHECK(cpu_only == 310);
  CHECK(models.size() == 7);
}

TEST_CASE("the default pod list: 8152 pods, 1088 CPU-only, 3078 sharing a GPU") {
  GpuModels models;
  (void)alibaba::read_node_list(kData + "/openb_node_list_gpu_node.csv", models);
  const auto pods = alibaba::read_pod_list(kData + "/openb_pod_list_default.csv", models);
  REQUIRE(pods.size() == 8152);
  std::map<int, int> by_num_gpu;
  std::map<std::string, int> qos, phase;
  std::map<JobKind, int> kinds;
  int sharing = 0, constrained = 0;
  std::int64_t gpu_milli = 0;
  double last_creation = 0;
  for (const auto& p : pods) {
    ++by_num_gpu[p.job.req.num_gpu];
    sharing += p.job.req.num_gpu == 1 && p.job.req.gpu_milli < 1000;
    constrained += p.job.req.model_mask != 0 || !p.gpu_spec.empty();
    gpu_milli += p.job.req.total_gpu_milli();
    ++qos[p.qos];
    ++phase[p.phase];
    ++kinds[p.job.kind];
    last_creation = std::max(last_creation, p.job.submit_s);
  }
  CHECK(by_num_gpu == std::map<int, int>{{0, 1088}, {1, 6989}, {2, 16}, {4, 15}, {8, 44}});
  CHECK(sharing == 3078);
  CHECK(constrained == 0);
  CHECK(gpu_milli == 6086800);
  CHECK(qos == std::map<std::string, int>{{"BE", 3398}, {"Burstable", 100}, {"Guaranteed", 7}, {"LS", 4647}});
  CHECK(phase == std::map<std::string, int>{{"Failed", 1870}, {"Pending", 897}, {"Running", 5193}, {"Succeeded", 192}});
  CHECK(kinds == std::map<JobKind, int>{{JobKind::training, 3053}, {JobKind::inference, 4011}, {JobKind::preprocessing, 1088}});
  CHECK(last_creation == 12901761);
  // Row 2 of the file: openb-pod-0001,6000,12288,1,460,,LS,Running,427061,12902960,427061
  const auto& p1 = pods[1];
  CHECK(p1.line == 3);
  CHECK(p1.job.id == "openb-pod-0001");
  CHECK(p1.job.req.cpu_milli == 6000);
  CHECK(p1.job.req.memory_mib == 12288);
  CHECK(p1.job.req.num_gpu == 1);
  CHECK(p1.job.req.gpu_milli == 460);
  CHECK(p1.job.kind == JobKind::inference);
  CHECK(p1.job.submit_s == 427061);
  CHECK(p1.job.duration_s == 12902960 - 427061);
  // A Pending pod has no scheduled_time: its duration runs from creation to deletion.
  const auto& pending = pods[61];
  CHECK(pending.job.id == "openb-pod-0061");
  CHECK(pending.phase == "Pending");
  CHECK_FALSE(pending.scheduled_s.has_value());
  CHECK(pending.job.duration_s == 10001403 - 10001278);
  CHECK(pending.job.kind == JobKind::training);  // BE
  CHECK(alibaba::jobs_of(pods).size() == pods.size());
  CHECK(alibaba::jobs_of(pods)[1].id == "openb-pod-0001");
}

TEST_CASE("gpu_spec becomes a model mask -- duplicates in the list are harmless") {
  GpuModels models;
  (void)alibaba::read_node_list(kData + "/openb_node_list_gpu_node.csv", models);
  const auto pods = alibaba::read_pod_list(kData + "/openb_pod_list_gpuspec33.csv", models);
  REQUIRE(pods.size() == 8152);
  int constrained = 0;
  for (const auto& p : pods) constrained += p.job.req.model_mask != 0;
  CHECK(constrained == 2388);
  const auto& dup = pods[527];  // openb-pod-0527: V100M16|V100M32|V100M32
  CHECK(dup.gpu_spec == "V100M16|V100M32|V100M32");
  CHECK(dup.job.req.model_mask == ((std::uint64_t{1} << *models.find("V100M16")) | (std::uint64_t{1} << *models.find("V100M32"))));
}

TEST_CASE("the 5-column multigpu lists import without qos, phase or times") {
  GpuModels models;
  (void)alibaba::read_node_list(kData + "/openb_node_list_gpu_node.csv", models);
  const auto pods = alibaba::read_pod_list(kData + "/openb_pod_list_multigpu20.csv", models);
  REQUIRE(pods.size() == 8324);
  std::map<int, int> by_num_gpu;
  for (const auto& p : pods) ++by_num_gpu[p.job.req.num_gpu];
  CHECK(by_num_gpu == std::map<int, int>{{0, 1088}, {1, 6989}, {2, 54}, {4, 52}, {8, 141}});
  const auto& last = pods.back();  // openb-pod-8323,88000,327680,8,1000
  CHECK(last.job.id == "openb-pod-8323");
  CHECK(last.job.req.cpu_milli == 88000);
  CHECK(last.job.req.num_gpu == 8);
  CHECK(last.qos.empty());
  CHECK(last.phase.empty());
  CHECK_FALSE(last.creation_s.has_value());
  CHECK(last.job.kind == JobKind::training);
  CHECK(last.job.submit_s == 0);
  CHECK(last.job.duration_s == 0);
}

TEST_CASE("node-list errors are located: file, line, column, expected, got") {
  const std::string h = "sn,cpu_milli,memory_mib,gpu,model\n";
  CHECK(node_error(h + "n0,64000,262144,2,P100\n") == "(valid)");
  CHECK(node_error(h + "n0,64000,262144,2\n") == "nodes.csv:2: expected 5 fields, got 4 (truncated row?)");
  CHECK(node_error(h + "n0,64000,262144,2,P100,x\n") == "nodes.csv:2: expected 5 fields, got 6");
  CHECK(node_error(h + "n0,64000,262144,2,P100\nn1,64k,1,1,T4\n") ==
        "nodes.csv:3: column cpu_milli: expected a non-negative integer (milli-cores), got \"64k\"");
  CHECK(node_error(h + "n0,64000,262144,-1,P100\n") == "nodes.csv:2: column gpu: expected an integer from 0 to 64, got \"-1\"");
  CHECK(node_error(h + "n0,64000,262144,2,\n") == "nodes.csv:2: column model: expected a GPU model name when gpu > 0, got \"\"");
  CHECK(node_error(h + "n0,64000,262144,0,T4\n") == "nodes.csv:2: column model: expected nothing when gpu is 0, got \"T4\"");
  CHECK(node_error(h + "n0,1,1,0,\nn0,1,1,0,\n") == "nodes.csv:3: column sn: duplicate node name (first at line 2), got \"n0\"");
  CHECK(node_error("sn,cpu_milli,memory_mb,gpu,model\n") ==
        "nodes.csv:1: column 3: unknown column \"memory_mb\"; did you mean \"memory_mib\"?");
  CHECK(node_error("sn,cpu_milli,memory_mib,gpu\n") ==
        "nodes.csv:1: missing column \"model\"; expected columns: sn, cpu_milli, memory_mib, gpu, model");
  CHECK(node_error("") == "nodes.csv: empty file, expected a header line");
  CHECK(node_error(h) == "nodes.csv: no nodes, expected at least one row after the header");
}

TEST_CASE("pod-list errors are located: file, line, column, expected, got") {
  const std::string ok = "p0,1000,1024,1,500,T4,LS,Running,0,10,1\n";
  CHECK(pod_error(kPodHeader + ok) == "(valid)");
  CHECK(pod_error(kPodHeader + ok + "p1,1000,1024,1,500,T4,LS\n") == "pods.csv:3: expected 11 fields, got 7 (truncated row?)");
  CHECK(pod_error(kPodHeader + "p0,1000,1024,1,500,A100|T4,LS,Running,0,10,1\n") ==
        "pods.csv:2: column gpu_spec: unknown GPU model \"A100\"; the cluster has: T4, V100M16, got \"A100|T4\"");
  CHECK(pod_error(kPodHeader + "p0,1000,1024,2,500,,LS,Running,0,10,1\n") ==
        "pods.csv:2: column gpu_milli: expected 1000 when num_gpu > 1, got \"500\"");
  CHECK(pod_error(kPodHeader + "p0,1000,1024,0,500,,LS,Running,0,10,1\n") ==
        "pods.csv:2: column gpu_milli: expected 0 when num_gpu is 0, got \"500\"");
  CHECK(pod_error(kPodHeader + "p0,1000,1024,1,1001,,LS,Running,0,10,1\n") ==
        "pods.csv:2: column gpu_milli: expected an integer from 1 to 1000, got \"1001\"");
  CHECK(pod_error(kPodHeader + "p0,1000,1.5,1,500,,LS,Running,0,10,1\n") ==
        "pods.csv:2: column memory_mib: expected a non-negative integer (MiB), got \"1.5\"");
  CHECK(pod_error(kPodHeader + "p0,1000,1024,1,500,,XX,Running,0,10,1\n") ==
        "pods.csv:2: column qos: expected one of LS, BE, Burstable, Guaranteed (or nothing), got \"XX\"");
  CHECK(pod_error(kPodHeader + "p0,1000,1024,1,500,,LS,Done,0,10,1\n") ==
        "pods.csv:2: column pod_phase: expected one of Running, Succeeded, Failed, Pending (or nothing), got \"Done\"");
  CHECK(pod_error(kPodHeader + "p0,1000,1024,1,500,,LS,Running,20,10,\n") ==
        "pods.csv:2: column deletion_time: expected a time at or after creation_time, got \"10\"");
  CHECK(pod_error(kPodHeader + "p0,1000,1024,1,500,,LS,Running,0,10,soon\n") ==
        "pods.csv:2: column scheduled_time: expected a non-negative number of seconds up to 1e10, or nothing, got \"soon\"");
  CHECK(pod_error(kPodHeader + ok + ok) == "pods.csv:3: column name: duplicate pod name (first at line 2), got \"p0\"");
  CHECK(pod_error("name,cpu_milli,memory_mib,num_gpu,gpu_mili\n") ==
        "pods.csv:1: column 5: unknown column \"gpu_mili\"; did you mean \"gpu_milli\"?");
  CHECK(pod_error("name,cpu_milli,memory_mib,num_gpu\n") ==
        "pods.csv:1: missing column \"gpu_milli\"; expected columns: name, cpu_milli, memory_mib, num_gpu, gpu_milli, "
        "gpu_spec, qos, pod_phase, creation_time, deletion_time, scheduled_time");
  // CRLF line ends and a last row without a newline are fine.
  CHECK(pod_error("name,cpu_milli,memory_mib,num_gpu,gpu_milli\r\np0,1000,1024,1,500") == "(valid)");
}
