// fleetsim-gen-helios: a synthetic trace in the Helios cluster_log.csv format, for the import
// benchmark (tools/bench/bench_import.sh). Deterministic for a seed.
// Usage: fleetsim-gen-helios ROWS [SEED] > cluster_log.csv
// Shapes follow Helios' published mix loosely (SC '21 §3: most GPU jobs ask 1 GPU; a few span
// nodes of 8): 1/2/4/8/16/32 GPUs, one in ten CPU-only, 3% cancelled before start; arrivals
// every ~1.5 s, durations log-uniform from 10 s to 10 days. Only the format and sizes matter.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>

namespace {

std::uint64_t state = 1;
std::uint64_t next() {  // splitmix64
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

void put_time(char* out, std::int64_t t) {
  const std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  std::strftime(out, 24, "%Y-%m-%d %H:%M:%S", &tm);
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: fleetsim-gen-helios ROWS [SEED] > cluster_log.csv\n");
    return 2;
  }
  const long long rows = std::atoll(argv[1]);
  state = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1;
  static char buf[1 << 20];
  std::setvbuf(stdout, buf, _IOFBF, sizeof buf);
  std::fputs("job_id,user,vc,gpu_num,cpu_num,node_num,state,submit_time,start_time,end_time,duration,queue\n", stdout);
  const int gpu_choices[] = {1, 1, 1, 1, 2, 4, 8, 8, 16, 32};
  const char* const states[] = {"COMPLETED", "COMPLETED", "COMPLETED", "FAILED", "CANCELLED", "TIMEOUT"};
  std::int64_t t = 1585699200;  // 2020-04-01 00:00:00
  char sub[24], sta[24], end[24];
  for (long long i = 0; i < rows; ++i) {
    t += static_cast<std::int64_t>(unit() * 3);
    const bool cpu = next() % 10 == 0;
    const int gpus = cpu ? 0 : gpu_choices[next() % 10];
    const int nodes = gpus > 8 ? gpus / 8 : 1;
    const int cpus = cpu ? 1 + static_cast<int>(next() % 16) : gpus * 4;
    const bool cancelled = next() % 100 < 3;
    const std::int64_t queue = cancelled ? 0 : static_cast<std::int64_t>(unit() * unit() * 3600);
    const std::int64_t dur = cancelled ? 0 : static_cast<std::int64_t>(10 * std::exp(unit() * std::log(86400.0)));
    put_time(sub, t);
    put_time(sta, t + queue);
    put_time(end, t + queue + dur);
    std::printf("%lld,u%04x,vc%03d,%d,%d,%d,%s,%s,%s,%s,%lld,%lld\n", 1000000 + i,
                static_cast<unsigned>(next() % 4096), static_cast<int>(next() % 25), gpus, cpus, nodes,
                cancelled ? "CANCELLED" : states[next() % 6], sub, sta, end, static_cast<long long>(dur),
                static_cast<long long>(queue));
  }
  return std::fflush(stdout) == 0 ? 0 : 1;
}
