// jobs.csv: fields quoted as RFC 4180 says, pooled GPUs listed.
#include <doctest/doctest.h>

#include "sim/io/outputs.hpp"

using namespace fleetsim;

TEST_CASE("jobs.csv quotes ids and node names with commas, quotes or newlines as RFC 4180 says") {
  ClusterState c;
  c.add_node("rack,1", 0, 1000, 1000, 2, 0);
  std::vector<Job> jobs(3);
  jobs[0].id = "a,b";
  jobs[1].id = "say \"hi\"";
  jobs[2].id = "line\nbreak";
  std::vector<JobRecord> r(3);
  const std::string csv = jobs_csv(jobs, r, c);
  CHECK(csv.find("\n\"a,b\",training,not_arrived,") != std::string::npos);
  CHECK(csv.find("\n\"say \"\"hi\"\"\",training,") != std::string::npos);
  CHECK(csv.find("\n\"line\nbreak\",training,") != std::string::npos);

  jobs.resize(1);
  jobs[0].id = "plain";
  r.resize(1);
  r[0].status = JobStatus::running;
  r[0].start_s = 0;
  r[0].alloc = Allocation{0, 100, 10, {{1, 1000}}, {{3, 1000}, {4, 500}}};
  const std::string one = jobs_csv(jobs, r, c);
  // The node name is quoted; the GPUs column lists local GPU 1 and pooled GPUs 3 and 4 as p3, p4.
  CHECK(one.find("\nplain,training,running,0,0,,0,,0,\"rack,1\",1;p3;p4,") != std::string::npos);
}
