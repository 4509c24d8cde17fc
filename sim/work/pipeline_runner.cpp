// The event-driven runner of pipelines in both modes.
#include "sim/work/pipeline_runner.hpp"

#include <algorithm>
#include <stdexcept>

namespace fleetsim {

void PipelineRunner::push(double t, int run, int order, int worker) {
  heap_.push(Event{t, run, order, runs_[static_cast<std::size_t>(run)].gen, worker});
}

void PipelineRunner::start(int job, const JobWork& work, const std::vector<std::vector<std::int32_t>>& milli,
                           double now) {
  if (!work.pipeline) throw std::logic_error("pipeline runner: job without stages");
  int ri;
  if (!free_.empty()) {
    ri = free_.back();
    free_.pop_back();
  } else {
    ri = static_cast<int>(runs_.size());
    runs_.emplace_back();
  }
  Run& r = runs_[static_cast<std::size_t>(ri)];
  const PipelineSpec& p = *work.pipeline;
  const auto S = p.stages.size();
  r.job = job;
  r.work = &work;
  r.spec = &p;
  r.n = work.batches;
  r.start = now;
  r.source_pending = false;
  r.out = 0;
  if (work.mode == ExecMode::monolithic) {
    if (milli.size() != 1) throw std::logic_error("pipeline runner: a monolithic job holds one allocation");
    r.batch = 0;
    r.stage = -1;
    r.stage_milli.assign(S, 0);
    for (std::size_t s = 0; s < S; ++s) {
      const auto& st = p.stages[s];
      if (!st.uses_gpu()) continue;
      // A stage uses the first workers x num_gpu GPU devices of the container.
      const auto k = std::min<std::size_t>(static_cast<std::size_t>(st.workers) * static_cast<std::size_t>(st.req.num_gpu), milli[0].size());
      for (std::size_t d = 0; d < k; ++d) r.stage_milli[s] += milli[0][d];
    }
    if (r.n == 0) {
      finish(ri, now);
      return;
    }
    mono_next(ri, now);
    return;
  }
  // Disaggregated: one worker per part.
  if (work.stage_part.size() != S + 1 || milli.size() != static_cast<std::size_t>(work.stage_part[S]))
    throw std::logic_error("pipeline runner: parts do not match the stages");
  r.workers.assign(milli.size(), Worker{});
  for (std::size_t s = 0; s < S; ++s)
    for (auto w = work.stage_part[s]; w < work.stage_part[s + 1]; ++w) {
      Worker& k = r.workers[static_cast<std::size_t>(w)];
      k.stage = static_cast<std::int32_t>(s);
      for (auto m : milli[static_cast<std::size_t>(w)]) k.milli += m;
    }
  r.taken.assign(S, 0);
  r.buffer.assign(S, 0);
  r.blocked.assign(S, 0);
  r.released.assign(S, 0);
  pump(ri, now);
  if (r.n == 0) finish(ri, now);
}

double PipelineRunner::next_time() const {
  while (!heap_.empty() && heap_.top().gen != runs_[static_cast<std::size_t>(heap_.top().run)].gen) heap_.pop();
  return heap_.empty() ? std::numeric_limits<double>::infinity() : heap_.top().t;
}

void PipelineRunner::advance(double now) {
  while (!heap_.empty() && heap_.top().t <= now) {
    const Event e = heap_.top();
    heap_.pop();
    if (e.gen != runs_[static_cast<std::size_t>(e.run)].gen) continue;  // its run finished
    handle(e);
  }
}

void PipelineRunner::handle(const Event& e) {
  Run& r = runs_[static_cast<std::size_t>(e.run)];
  const double now = e.t;
  if (r.spec->stages.empty()) return;
  if (r.work->mode == ExecMode::monolithic) {
    if (e.worker >= 0) {  // the current stage of the current batch is done
      ++stage_runs_;
      if (const auto m = r.stage_milli[static_cast<std::size_t>(r.stage)]) hooks_.busy(r.job, -m, now);
    } else {
      r.source_pending = false;
    }
    mono_next(e.run, now);
    return;
  }
  if (e.worker < 0) {  // a batch arrived at the source
    r.source_pending = false;
    pump(e.run, now);
    return;
  }
  Worker& w = r.workers[static_cast<std::size_t>(e.worker)];
  ++stage_runs_;
  if (w.milli) hooks_.busy(r.job, -w.milli, now);
  const auto S = static_cast<std::int32_t>(r.spec->stages.size());
  if (w.stage == S - 1) {
    ++r.out;
    ++batches_done_;
    w.state = W::idle;
  } else if (r.buffer[static_cast<std::size_t>(w.stage)] < r.spec->buffer) {
    ++r.buffer[static_cast<std::size_t>(w.stage)];
    w.state = W::idle;
  } else {
    w.state = W::blocked;
    w.blocked_seq = ++seq_;
    ++r.blocked[static_cast<std::size_t>(w.stage)];
    ++blocked_;
  }
  pump(e.run, now);
  if (r.out == r.n) finish(e.run, now);
}

void PipelineRunner::mono_next(int ri, double now) {
  Run& r = runs_[static_cast<std::size_t>(ri)];
  const auto S = static_cast<std::int32_t>(r.spec->stages.size());
  if (r.stage == S - 1) {  // the batch left the last stage
    ++r.batch;
    ++batches_done_;
    r.stage = -1;
    if (r.batch == r.n) {
      finish(ri, now);
      return;
    }
  }
  if (r.stage == -1) {  // the next batch enters stage 0 once it has arrived
    const double at = available_at(r, r.batch);
    if (at > now) {
      if (!r.source_pending) {
        r.source_pending = true;
        push(at, ri, S, -1);
      }
      return;
    }
  }
  ++r.stage;
  const auto& st = r.spec->stages[static_cast<std::size_t>(r.stage)];
  if (const auto m = r.stage_milli[static_cast<std::size_t>(r.stage)]) hooks_.busy(r.job, m, now);
  push(now + st.batch_s / st.workers, ri, 0, 0);
}

bool PipelineRunner::take(int ri, int s, double now) {
  Run& r = runs_[static_cast<std::size_t>(ri)];
  const auto si = static_cast<std::size_t>(s);
  if (s == 0) {
    if (r.taken[0] >= r.n) return false;
    const double at = available_at(r, r.taken[0]);
    if (at > now) {
      if (!r.source_pending) {
        r.source_pending = true;
        push(at, ri, static_cast<std::int32_t>(r.spec->stages.size()), -1);
      }
      return false;
    }
    ++r.taken[0];
    return true;
  }
  if (r.buffer[si - 1] == 0) return false;
  --r.buffer[si - 1];
  ++r.taken[si];
  // Room in the buffer: the upstream worker blocked longest pushes its batch into it.
  if (r.blocked[si - 1] > 0) {
    Worker* first = nullptr;
    for (auto w = r.work->stage_part[si - 1]; w < r.work->stage_part[si]; ++w) {
      Worker& k = r.workers[static_cast<std::size_t>(w)];
      if (k.state == W::blocked && (!first || k.blocked_seq < first->blocked_seq)) first = &k;
    }
    first->state = W::idle;
    --r.blocked[si - 1];
    ++r.buffer[si - 1];
  }
  return true;
}

void PipelineRunner::pump(int ri, double now) {
  Run& r = runs_[static_cast<std::size_t>(ri)];
  const auto S = static_cast<std::int32_t>(r.spec->stages.size());
  for (bool changed = true; changed;) {
    changed = false;
    for (std::int32_t s = S - 1; s >= 0; --s) {
      const auto& st = r.spec->stages[static_cast<std::size_t>(s)];
      for (auto w = r.work->stage_part[static_cast<std::size_t>(s)]; w < r.work->stage_part[static_cast<std::size_t>(s) + 1]; ++w) {
        Worker& k = r.workers[static_cast<std::size_t>(w)];
        if (k.state != W::idle) continue;
        if (!take(ri, s, now)) break;
        k.state = W::busy;
        if (k.milli) hooks_.busy(r.job, k.milli, now);
        push(now + st.batch_s, ri, (S - 1 - s) * 65536 + (w - r.work->stage_part[static_cast<std::size_t>(s)]), w);
        changed = true;
      }
    }
  }
  // A stage that has taken every batch releases its idle workers: nothing more will come.
  for (std::int32_t s = 0; s < S; ++s) {
    const auto si = static_cast<std::size_t>(s);
    if (r.released[si] || r.taken[si] < r.n) continue;
    bool all = true;
    for (auto w = r.work->stage_part[si]; w < r.work->stage_part[si + 1]; ++w) {
      Worker& k = r.workers[static_cast<std::size_t>(w)];
      if (k.state == W::idle) {
        k.state = W::released;
        hooks_.release_part(r.job, w, now);
      }
      all = all && k.state == W::released;
    }
    r.released[si] = all;
  }
}

void PipelineRunner::finish(int ri, double now) {
  Run& r = runs_[static_cast<std::size_t>(ri)];
  const int job = r.job;
  ++r.gen;  // any event left for this run is stale
  r.job = -1;
  r.workers.clear();
  free_.push_back(ri);
  hooks_.finished(job, now);
}

double PipelineRunner::ideal_duration(const JobWork& work) {
  struct Null final : Hooks {
    double end = 0;
    void busy(int, std::int64_t, double) override {}
    void release_part(int, int, double) override {}
    void finished(int, double now) override { end = now; }
  } hooks;
  PipelineRunner run(hooks);
  const std::size_t parts = work.mode == ExecMode::monolithic ? 1 : work.parts.size();
  run.start(0, work, std::vector<std::vector<std::int32_t>>(parts), 0.0);
  for (double t = run.next_time(); t < std::numeric_limits<double>::infinity(); t = run.next_time()) run.advance(t);
  return hooks.end;
}

} // namespace fleetsim
