// Built-in queue policies.
#include "sim/sched/queue_policy.hpp"

#include <memory>

#include <nlohmann/json.hpp>

#include "policies/builtin.hpp"

namespace fleetsim::policies {
namespace {

class Fifo final : public QueuePolicy {
public:
  explicit Fifo(bool blocking, std::string_view name) : blocking_(blocking), name_(name) {}
  std::string_view name() const override { return name_; }
  bool before(const Job& a, const Job& b) const override { return a.submit_s < b.submit_s; }
  bool blocking() const override { return blocking_; }

private:
  bool blocking_;
  std::string_view name_;
};

class ShortestJobFirst final : public QueuePolicy {
public:
  explicit ShortestJobFirst(bool blocking) : blocking_(blocking) {}
  std::string_view name() const override { return "sjf"; }
  bool before(const Job& a, const Job& b) const override {
    if (a.duration_s != b.duration_s) return a.duration_s < b.duration_s;
    return a.submit_s < b.submit_s;
  }
  bool blocking() const override { return blocking_; }

private:
  bool blocking_;
};

class Priority final : public QueuePolicy {
public:
  explicit Priority(bool blocking) : blocking_(blocking) {}
  std::string_view name() const override { return "priority"; }
  bool before(const Job& a, const Job& b) const override {
    if (a.priority != b.priority) return a.priority > b.priority;
    return a.submit_s < b.submit_s;
  }
  bool blocking() const override { return blocking_; }

private:
  bool blocking_;
};

} // namespace

std::unique_ptr<QueuePolicy> make_fifo(const ParamReader&) { return std::make_unique<Fifo>(true, "fifo"); }
std::unique_ptr<QueuePolicy> make_fifo_skip(const ParamReader&) {
  return std::make_unique<Fifo>(false, "fifo-skip");
}
std::unique_ptr<QueuePolicy> make_sjf(const ParamReader& p) {
  return std::make_unique<ShortestJobFirst>(p.get_bool("head_of_line_blocking", false));
}
std::unique_ptr<QueuePolicy> make_priority(const ParamReader& p) {
  return std::make_unique<Priority>(p.get_bool("head_of_line_blocking", false));
}

} // namespace fleetsim::policies
