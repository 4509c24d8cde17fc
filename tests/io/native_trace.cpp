// Native trace readers: values, defaults and exact located error messages.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <unistd.h>

#include "sim/common/error.hpp"
#include "sim/io/traces/native.hpp"

using namespace fleetsim;

namespace {

const char* kHeader = "id,kind,submit_s,duration_s,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_models,priority\n";

/// Writes `text` to a fresh file and returns its path.
std::string write_temp(const std::string& name, const std::string& text) {
  const auto dir = std::filesystem::temp_directory_path() / ("fleetsim-unit-trace-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto p = (dir / name).string();
  std::ofstream(p, std::ios::binary) << text;
  return p;
}

GpuModels models() {
  GpuModels m;
  m.intern("A100");
  m.intern("T4");
  return m;
}

std::string csv_error(const std::string& body, const std::string& header = kHeader) {
  const auto p = write_temp("bad.csv", header + body);
  try {
    read_csv_trace(p, models());
  } catch (const InputError& e) {
    const std::string msg = e.what();
    REQUIRE(msg.rfind(p, 0) == 0);
    return msg.substr(p.size());
  }
  return "no error";
}

std::string jsonl_error(const std::string& body) {
  const auto p = write_temp("bad.jsonl", body);
  try {
    read_jsonl_trace(p, models());
  } catch (const InputError& e) {
    const std::string msg = e.what();
    REQUIRE(msg.rfind(p, 0) == 0);
    return msg.substr(p.size());
  }
  return "no error";
}

} // namespace

TEST_CASE("CSV: values, defaults, CRLF, quotes and model lists") {
  const auto p = write_temp("ok.csv", std::string(kHeader) +
                                          "a,training,0,100.5,8000,65536,2,1000,A100|T4,3\r\n"
                                          "\"b,1\",inference,2.25,10,1000,1024,1,250,,\r\n"
                                          "\n"
                                          "c,,3,0,500,0,0,0,,-1");
  const auto jobs = read_csv_trace(p, models());
  REQUIRE(jobs.size() == 3);
  CHECK(jobs[0].id == "a");
  CHECK(jobs[0].duration_s == 100.5);
  CHECK(jobs[0].req.num_gpu == 2);
  CHECK(jobs[0].req.model_mask == 0b11);
  CHECK(jobs[0].priority == 3);
  CHECK(jobs[1].id == "b,1");
  CHECK(jobs[1].kind == JobKind::inference);
  CHECK(jobs[1].submit_s == 2.25);
  CHECK(jobs[1].req.gpu_milli == 250);
  CHECK(jobs[1].priority == 0);
  CHECK(jobs[2].kind == JobKind::training);  // empty kind = default
  CHECK(jobs[2].priority == -1);
}

TEST_CASE("CSV: header errors name the line and column") {
  CHECK(csv_error("", "id,submit_s,duration_s,cpu_milli,memory_mib,num_gpus,gpu_milli\n") ==
        ":1: column 6: unknown column \"num_gpus\"; did you mean \"num_gpu\"?");
  CHECK(csv_error("", "id,submit_s,duration_s,cpu_milli,memory_mib,gpu_milli\n") ==
        ":1: missing required column \"num_gpu\"");
  CHECK(csv_error("", "") == ": empty file, expected a header line");
}

TEST_CASE("CSV: row errors carry file:line, the column and the value") {
  CHECK(csv_error("a,training,0,10,8000,1024,eight,1000,,0\n") ==
        ":2: column num_gpu: expected an integer from 0 to 64, got \"eight\"");
  CHECK(csv_error("a,training,0,10,-5,1024,1,1000,,0\n") ==
        ":2: column cpu_milli: expected a non-negative integer up to 2^40, got \"-5\"");
  CHECK(csv_error("a,training,0,10,1,1,1,1000,,0\nb,training,x,10,1,1,1,1000,,0\n") ==
        ":3: column submit_s: expected a non-negative number, got \"x\"");
  CHECK(csv_error("a,training,0,10,1,1,1,1500,,0\n") ==
        ":2: column gpu_milli: expected an integer from 1 to 1000 when num_gpu > 0, got \"1500\"");
  CHECK(csv_error("a,training,0,10,1,1,0,500,,0\n") == ":2: column gpu_milli: expected 0 when num_gpu is 0, got \"500\"");
  CHECK(csv_error("a,training,0,10,1,1,1,1000,H100,0\n") ==
        ":2: column gpu_models: unknown GPU model \"H100\"; the cluster has: A100, T4, got \"H100\"");
  CHECK(csv_error("a,trainer,0,10,1,1,1,1000,,0\n") ==
        ":2: column kind: expected one of \"training\", \"inference\", \"preprocessing\", got \"trainer\"");
  CHECK(csv_error("a,training,0,10,1,1,1\n") == ":2: expected 10 fields (as the header), got 7 (truncated row?)");
  CHECK(csv_error("a,training,0,10,1,1,1,1000,,0\na,training,0,10,1,1,1,1000,,0\n") ==
        ":3: column id: duplicate job id, got \"a\"");
  CHECK(csv_error("a,training,0,nan,1,1,1,1000,,0\n") == ":2: column duration_s: expected a non-negative number, got \"nan\"");
  // issue 17: extra fields, header-only traces, times beyond 1e10 s, sizes beyond 2^40
  CHECK(csv_error("a,training,0,10,1,1,1,1000,,0,extra\n") == ":2: expected 10 fields (as the header), got 11");
  CHECK(csv_error("") == ": no jobs, expected at least one row after the header");
  CHECK(csv_error("a,training,0,1e308,1,1,1,1000,,0\n") ==
        ":2: column duration_s: expected a non-negative number of seconds up to 1e10, got \"1e308\"");
  CHECK(csv_error("a,training,0,1e10,1099511627777,1,1,1000,,0\n") ==
        ":2: column cpu_milli: expected a non-negative integer up to 2^40, got \"1099511627777\"");
}

TEST_CASE("JSON Lines: values and located errors") {
  const auto p = write_temp("ok.jsonl",
                            "{\"id\":\"a\",\"submit_s\":1,\"duration_s\":2,\"cpu_milli\":3,\"memory_mib\":4,\"num_gpu\":1,"
                            "\"gpu_milli\":500,\"gpu_models\":[\"T4\"]}\n\n"
                            "{\"id\":7,\"kind\":\"preprocessing\",\"submit_s\":0,\"duration_s\":2,\"cpu_milli\":3,"
                            "\"memory_mib\":4,\"num_gpu\":0,\"gpu_milli\":0}\n");
  const auto jobs = read_jsonl_trace(p, models());
  REQUIRE(jobs.size() == 2);
  CHECK(jobs[0].req.model_mask == 0b10);
  CHECK(jobs[1].id == "7");
  CHECK(jobs[1].kind == JobKind::preprocessing);
  CHECK(jsonl_error("{\"id\":\"a\",\"submit_s\":1,\"duration_s\":2,\"cpu_milli\":3,\"memory_mib\":4,\"num_gpu\":1,"
                    "\"gpu_milli\":500,\"gpu_model\":\"T4\"}\n") ==
        ":1: field gpu_model: unknown key; did you mean \"gpu_models\"?");
  CHECK(jsonl_error("{\"id\":\"a\"}\n") == ":1: field submit_s: required key is missing");
  CHECK(jsonl_error("\n{\"id\":\"a\",\n") ==
        ":2:11: malformed JSON: unexpected end of input; expected string literal");
  CHECK(jsonl_error("{\"id\":\"a\",\"submit_s\":-1,\"duration_s\":2,\"cpu_milli\":3,\"memory_mib\":4,\"num_gpu\":0,"
                    "\"gpu_milli\":0}\n") == ":1: field submit_s: expected a non-negative number of seconds up to 1e10, got -1");
  CHECK(jsonl_error("[1,2]\n") == ":1: expected a job object, got [1,2]");
}

TEST_CASE("inline jobs use JSON pointers") {
  nlohmann::json j = {{"id", "x"}, {"submit_s", 0}, {"duration_s", 1}, {"cpu_milli", 1.5}, {"memory_mib", 0},
                      {"num_gpu", 0}, {"gpu_milli", 0}};
  CHECK_THROWS_WITH_AS(job_from_json(j, models(), "s.json: /workload/jobs/4", true),
                       "s.json: /workload/jobs/4/cpu_milli: expected a non-negative integer, got 1.5", InputError);
}

TEST_CASE("write_csv_trace round-trips through read_csv_trace") {
  Job a;
  a.id = "a";
  a.kind = JobKind::inference;
  a.submit_s = 0.1;
  a.duration_s = 1e6;
  a.req = {1000, 2048, 1, 300, 0b10};
  a.priority = 2;
  std::ostringstream os;
  write_csv_trace(os, {a}, models());
  const auto p = write_temp("rt.csv", os.str());
  const auto back = read_csv_trace(p, models());
  REQUIRE(back.size() == 1);
  CHECK(back[0].submit_s == 0.1);
  CHECK(back[0].duration_s == 1e6);
  CHECK(back[0].req.model_mask == 0b10);
  CHECK(back[0].req.gpu_milli == 300);
  CHECK(back[0].kind == JobKind::inference);
  CHECK(back[0].priority == 2);
}
