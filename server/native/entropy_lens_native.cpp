// Entropy Lens native scorer: exact next-token entropy computed in C++ from llama.cpp logits.
//
// A small N-API addon (plain C N-API, no node-addon-api) that links the llama.cpp shared
// libraries shipped with node-llama-cpp's prebuilt binaries (libllama / libggml / libggml-base)
// and the headers of the same llama.cpp revision (extracted from node-llama-cpp's
// gitRelease.bundle by build.sh). It owns its own model + context:
//
//   loadModel(path, {threads, contextSize, batchSize, flashAttention}) -> Promise<handle>
//   score(handle, input: Int32Array, targets: Int32Array, outFrom, topK, pos0 = 0) -> Promise<result>
//       keeps the KV cache of positions [0, pos0) (pos0 = 0: clears it), decodes `input` at positions
//       pos0, pos0 + 1, ... in batches and, for every input index p >= outFrom,
//       computes from llama_get_logits_ith (raw logits = the full-vocabulary softmax):
//         entropy[p - outFrom]  = H(softmax(z_p))                (nats, float64 accumulation)
//         logprob[p - outFrom]  = z_p[targets[p - outFrom]] - logsumexp(z_p)  (NaN if target < 0)
//         top (topK per position) ids and log-probabilities, highest first
//       No sorting of the vocabulary, no per-token JS objects: results are typed arrays.
//   plain(handle, input: Int32Array) -> Promise<{decodeMs}>  (clears the KV cache first)   (logits of the last token only)
//   info(handle) -> {vocabSize, trainContextSize, contextSize, batchSize, bos, eos, params}
//   dispose(handle)
//   ensureBackends(dir?)  -> number of ggml devices (loads backends from `dir` if none registered)
//
// The heavy work (decode + statistics) runs on the libuv thread pool (napi_async_work);
// statistics for a decoded batch are split across `threads` std::threads.

#include <node_api.h>

#include "ggml-backend.h"
#include "llama.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <thread>
#include <vector>

namespace {

// ---------------------------------------------------------------------------------------------
// Distribution statistics

// GCC/Clang vector extensions: 8 floats (one AVX register, or two SSE registers without AVX).
typedef float v8f __attribute__((vector_size(32)));
typedef int32_t v8i __attribute__((vector_size(32)));
constexpr int LANES = 8;

inline v8f splat(float x) { return v8f{x, x, x, x, x, x, x, x}; }

// exp(x) for x <= 0, Cephes-style range reduction + degree-6 polynomial (about 1 ulp in float),
// branch-free on 8 lanes. x is clamped to [-87, 0] first (exp(-87) ~ 1.6e-38 is negligible next to
// the max term, which is exactly 1); the clamped x is returned in `xc` for the x·e(x) term.
inline v8f exp_nonpos(v8f x, v8f& xc) {
    const v8f lo = splat(-87.0f);
    x = x < lo ? lo : x;
    xc = x;
    const v8f fx = x * splat(1.44269504088896341f) + splat(0.5f);
    v8i ni = __builtin_convertvector(fx, v8i);  // truncation toward zero
    v8f n = __builtin_convertvector(ni, v8f);
    n = n > fx ? n - splat(1.0f) : n;           // floor
    ni = __builtin_convertvector(n, v8i);
    v8f r = x - n * splat(0.693359375f);
    r = r - n * splat(-2.12194440e-4f);
    v8f p = splat(1.9875691500e-4f);
    p = p * r + splat(1.3981999507e-3f);
    p = p * r + splat(8.3334519073e-3f);
    p = p * r + splat(4.1665795894e-2f);
    p = p * r + splat(1.6666665459e-1f);
    p = p * r + splat(5.0000001201e-1f);
    p = p * r * r + r + splat(1.0f);
    const v8i bits = (ni + 127) << 23;
    v8f scale;
    std::memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

struct Stats {
    double entropy;
    double lse;  // log-sum-exp of the logits
};

// H = ln S - T / S with S = sum exp(z - m), T = sum exp(z - m) (z - m); lse = m + ln S.
// Terms in float (8 lanes), partial sums in float over blocks of 32 terms per lane, totals in double.
Stats distribution_stats(const float* z, int n) {
    float mx[LANES];
    for (int j = 0; j < LANES; j++) mx[j] = -std::numeric_limits<float>::infinity();
    int i = 0;
    for (; i + LANES <= n; i += LANES)
        for (int j = 0; j < LANES; j++) mx[j] = z[i + j] > mx[j] ? z[i + j] : mx[j];
    float m = mx[0];
    for (int j = 1; j < LANES; j++) m = mx[j] > m ? mx[j] : m;
    for (; i < n; i++) m = z[i] > m ? z[i] : m;
    if (!std::isfinite(m)) return {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN()};

    double S = 0.0, T = 0.0;
    const v8f vm = splat(m);
    i = 0;
    constexpr int BLOCK = LANES * 32;
    for (; i + BLOCK <= n; i += BLOCK) {
        v8f se = splat(0.0f), st = splat(0.0f);
        for (int k = 0; k < BLOCK; k += LANES) {
            v8f x;
            std::memcpy(&x, z + i + k, sizeof x);
            v8f xc;
            const v8f e = exp_nonpos(x - vm, xc);
            se += e;
            st += e * xc;
        }
        for (int j = 0; j < LANES; j++) { S += se[j]; T += st[j]; }
    }
    for (; i < n; i++) {
        const double x = static_cast<double>(z[i]) - m;
        const double e = std::exp(x);
        S += e;
        if (e > 0) T += e * x;
    }
    const double lnS = std::log(S);
    return {lnS - T / S, m + lnS};
}

// The k largest logits, highest first (ties: lower id first).
void top_k(const float* z, int n, int k, int32_t* ids, float* vals) {
    int have = 0;
    for (int i = 0; i < n; i++) {
        const float v = z[i];
        if (have == k && !(v > vals[k - 1])) continue;
        int p = have < k ? have++ : k - 1;
        while (p > 0 && vals[p - 1] < v) {
            vals[p] = vals[p - 1];
            ids[p] = ids[p - 1];
            p--;
        }
        vals[p] = v;
        ids[p] = i;
    }
    for (int j = have; j < k; j++) { ids[j] = -1; vals[j] = -std::numeric_limits<float>::infinity(); }
}

// ---------------------------------------------------------------------------------------------
// Session

struct Session {
    llama_model* model = nullptr;
    llama_context* ctx = nullptr;
    const llama_vocab* vocab = nullptr;
    int n_vocab = 0;
    int n_ctx = 0;
    int n_batch = 0;
    int threads = 1;
    std::atomic<bool> busy{false};

    void free_all() {
        if (ctx) llama_free(ctx);
        if (model) llama_model_free(model);
        ctx = nullptr;
        model = nullptr;
    }
    ~Session() { free_all(); }
};

double ms_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

#define NAPI_CALL(env, call)                                                   \
    do {                                                                       \
        if ((call) != napi_ok) {                                               \
            const napi_extended_error_info* info_ = nullptr;                  \
            napi_get_last_error_info((env), &info_);                           \
            bool pending_ = false;                                             \
            napi_is_exception_pending((env), &pending_);                      \
            if (!pending_)                                                     \
                napi_throw_error((env), nullptr,                               \
                                 info_ && info_->error_message ? info_->error_message : "N-API call failed"); \
            return nullptr;                                                    \
        }                                                                      \
    } while (0)

napi_value throw_type(napi_env env, const char* msg) {
    napi_throw_type_error(env, nullptr, msg);
    return nullptr;
}

void session_finalize(napi_env, void* data, void*) {
    delete static_cast<Session*>(data);
}

// Returns the Session of a handle (an External), or nullptr after throwing.
Session* get_session(napi_env env, napi_value v) {
    napi_valuetype t;
    if (napi_typeof(env, v, &t) != napi_ok || t != napi_external) {
        napi_throw_type_error(env, nullptr, "expected a native session handle");
        return nullptr;
    }
    void* p = nullptr;
    napi_get_value_external(env, v, &p);
    Session* s = static_cast<Session*>(p);
    if (!s || !s->ctx) {
        napi_throw_error(env, nullptr, "the native session was disposed");
        return nullptr;
    }
    return s;
}

bool get_int32_array(napi_env env, napi_value v, std::vector<int32_t>& out) {
    bool is_ta = false;
    napi_is_typedarray(env, v, &is_ta);
    if (!is_ta) return false;
    napi_typedarray_type type;
    size_t length;
    void* data;
    napi_value ab;
    size_t offset;
    if (napi_get_typedarray_info(env, v, &type, &length, &data, &ab, &offset) != napi_ok || type != napi_int32_array) return false;
    out.assign(static_cast<int32_t*>(data), static_cast<int32_t*>(data) + length);
    return true;
}

bool get_named_number(napi_env env, napi_value obj, const char* name, double& out) {
    bool has = false;
    if (napi_has_named_property(env, obj, name, &has) != napi_ok || !has) return false;
    napi_value v;
    napi_get_named_property(env, obj, name, &v);
    napi_valuetype t;
    napi_typeof(env, v, &t);
    if (t == napi_number) return napi_get_value_double(env, v, &out) == napi_ok;
    if (t == napi_boolean) {
        bool b;
        napi_get_value_bool(env, v, &b);
        out = b ? 1 : 0;
        return true;
    }
    return false;
}

template <typename T>
napi_value make_typed(napi_env env, napi_typedarray_type type, const std::vector<T>& src) {
    void* data = nullptr;
    napi_value ab, ta;
    if (napi_create_arraybuffer(env, src.size() * sizeof(T), &data, &ab) != napi_ok) return nullptr;
    if (!src.empty()) std::memcpy(data, src.data(), src.size() * sizeof(T));
    if (napi_create_typedarray(env, type, src.size(), ab, 0, &ta) != napi_ok) return nullptr;
    return ta;
}

void set_number(napi_env env, napi_value obj, const char* name, double v) {
    napi_value n;
    napi_create_double(env, v, &n);
    napi_set_named_property(env, obj, name, n);
}

// ---------------------------------------------------------------------------------------------
// ensureBackends(dir?)

napi_value EnsureBackends(napi_env env, napi_callback_info info) {
    size_t argc = 1;
    napi_value argv[1];
    NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
    llama_backend_init();
    if (ggml_backend_dev_count() == 0 && argc >= 1) {
        napi_valuetype t;
        napi_typeof(env, argv[0], &t);
        if (t == napi_string) {
            char buf[4096];
            size_t len = 0;
            NAPI_CALL(env, napi_get_value_string_utf8(env, argv[0], buf, sizeof buf, &len));
            ggml_backend_load_all_from_path(buf);
        }
    }
    napi_value r;
    napi_create_uint32(env, static_cast<uint32_t>(ggml_backend_dev_count()), &r);
    return r;
}

// ---------------------------------------------------------------------------------------------
// loadModel(path, options) -> Promise<handle>

struct LoadWork {
    napi_async_work work = nullptr;
    napi_deferred deferred = nullptr;
    std::string path;
    int threads = 1;
    int context_size = 0;  // 0: the model's train context
    int batch_size = 512;
    int flash = 0;  // -1 auto, 0 off, 1 on
    Session* session = nullptr;
    std::string error;
};

void load_execute(napi_env, void* data) {
    auto* w = static_cast<LoadWork*>(data);
    if (ggml_backend_dev_count() == 0) {
        w->error = "no ggml backend is registered (load node-llama-cpp's binding first, or call ensureBackends(dir))";
        return;
    }
    llama_model_params mp = llama_model_default_params();
    mp.n_gpu_layers = 0;
    llama_model* model = llama_model_load_from_file(w->path.c_str(), mp);
    if (!model) {
        w->error = "llama_model_load_from_file failed for " + w->path;
        return;
    }
    llama_context_params cp = llama_context_default_params();
    cp.n_ctx = static_cast<uint32_t>(w->context_size);
    cp.n_batch = static_cast<uint32_t>(w->context_size > 0 ? std::min(w->batch_size, w->context_size) : w->batch_size);
    cp.n_ubatch = cp.n_batch;
    cp.n_seq_max = 1;
    cp.n_threads = w->threads;
    cp.n_threads_batch = w->threads;
    cp.flash_attn_type = w->flash < 0 ? LLAMA_FLASH_ATTN_TYPE_AUTO
                         : w->flash > 0 ? LLAMA_FLASH_ATTN_TYPE_ENABLED
                                        : LLAMA_FLASH_ATTN_TYPE_DISABLED;
    cp.no_perf = true;
    cp.embeddings = false;
    llama_context* ctx = llama_init_from_model(model, cp);
    if (!ctx) {
        llama_model_free(model);
        w->error = "llama_init_from_model failed";
        return;
    }
    auto* s = new Session();
    s->model = model;
    s->ctx = ctx;
    s->vocab = llama_model_get_vocab(model);
    s->n_vocab = llama_vocab_n_tokens(s->vocab);
    s->n_ctx = static_cast<int>(llama_n_ctx(ctx));
    s->n_batch = static_cast<int>(llama_n_batch(ctx));
    s->threads = std::max(1, w->threads);
    w->session = s;
}

void load_complete(napi_env env, napi_status status, void* data) {
    auto* w = static_cast<LoadWork*>(data);
    if (status != napi_ok && w->error.empty()) w->error = "model loading was cancelled";
    if (!w->error.empty()) {
        napi_value msg, err;
        napi_create_string_utf8(env, w->error.c_str(), NAPI_AUTO_LENGTH, &msg);
        napi_create_error(env, nullptr, msg, &err);
        napi_reject_deferred(env, w->deferred, err);
        delete w->session;
    } else {
        napi_value ext;
        if (napi_create_external(env, w->session, session_finalize, nullptr, &ext) != napi_ok) {
            delete w->session;
            napi_value msg, err;
            napi_create_string_utf8(env, "napi_create_external failed", NAPI_AUTO_LENGTH, &msg);
            napi_create_error(env, nullptr, msg, &err);
            napi_reject_deferred(env, w->deferred, err);
        } else {
            napi_resolve_deferred(env, w->deferred, ext);
        }
    }
    napi_delete_async_work(env, w->work);
    delete w;
}

napi_value LoadModel(napi_env env, napi_callback_info info) {
    size_t argc = 2;
    napi_value argv[2];
    NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
    if (argc < 1) return throw_type(env, "loadModel(path, options)");
    auto* w = new LoadWork();
    size_t len = 0;
    if (napi_get_value_string_utf8(env, argv[0], nullptr, 0, &len) != napi_ok) {
        delete w;
        return throw_type(env, "loadModel: path must be a string");
    }
    w->path.resize(len + 1);
    napi_get_value_string_utf8(env, argv[0], &w->path[0], len + 1, &len);
    w->path.resize(len);
    if (argc >= 2) {
        double d;
        if (get_named_number(env, argv[1], "threads", d)) w->threads = std::max(1, static_cast<int>(d));
        if (get_named_number(env, argv[1], "contextSize", d)) w->context_size = d > 0 ? std::max(8, static_cast<int>(d)) : 0;
        if (get_named_number(env, argv[1], "batchSize", d)) w->batch_size = std::max(1, static_cast<int>(d));
        if (get_named_number(env, argv[1], "flashAttention", d)) w->flash = d > 0 ? 1 : d < 0 ? -1 : 0;
    }
    napi_value promise, name;
    NAPI_CALL(env, napi_create_promise(env, &w->deferred, &promise));
    napi_create_string_utf8(env, "entropyLensLoadModel", NAPI_AUTO_LENGTH, &name);
    NAPI_CALL(env, napi_create_async_work(env, nullptr, name, load_execute, load_complete, w, &w->work));
    NAPI_CALL(env, napi_queue_async_work(env, w->work));
    return promise;
}

// ---------------------------------------------------------------------------------------------
// score(handle, input, targets, outFrom, topK) / plain(handle, input)

struct ScoreWork {
    napi_async_work work = nullptr;
    napi_deferred deferred = nullptr;
    napi_ref handle_ref = nullptr;
    Session* s = nullptr;
    bool plain = false;
    std::vector<int32_t> input, targets;
    int out_from = 0;
    int k = 0;
    int pos0 = 0;
    std::vector<double> entropy, logprob, top_logprob;
    std::vector<int32_t> top_ids;
    double decode_ms = 0, stats_ms = 0;
    std::string error;
};

void stats_range(ScoreWork* w, int batch_first_out, const std::vector<int>& out_pos, int a, int b) {
    Session* s = w->s;
    const int V = s->n_vocab;
    std::vector<float> vals(std::max(1, w->k));
    for (int q = a; q < b; q++) {
        const int p = out_pos[q];            // absolute position in input
        const int o = p - w->out_from;       // output index
        const float* z = llama_get_logits_ith(s->ctx, batch_first_out + q);
        if (!z) {
            w->entropy[o] = std::numeric_limits<double>::quiet_NaN();
            continue;
        }
        const Stats st = distribution_stats(z, V);
        w->entropy[o] = st.entropy;
        const int32_t t = o < static_cast<int>(w->targets.size()) ? w->targets[o] : -1;
        w->logprob[o] = t >= 0 && t < V ? static_cast<double>(z[t]) - st.lse : std::numeric_limits<double>::quiet_NaN();
        if (w->k > 0) {
            int32_t* ids = &w->top_ids[static_cast<size_t>(o) * w->k];
            top_k(z, V, w->k, ids, vals.data());
            for (int j = 0; j < w->k; j++)
                w->top_logprob[static_cast<size_t>(o) * w->k + j] =
                    ids[j] >= 0 ? static_cast<double>(vals[j]) - st.lse : -std::numeric_limits<double>::infinity();
        }
    }
}

void score_execute(napi_env, void* data) {
    auto* w = static_cast<ScoreWork*>(data);
    Session* s = w->s;
    const int L = static_cast<int>(w->input.size());
    if (L == 0) return;
    if (w->pos0 + L > s->n_ctx) {
        w->error = "input of " + std::to_string(w->pos0 + L) + " tokens exceeds the context of " + std::to_string(s->n_ctx);
        return;
    }
    for (int32_t t : w->input)
        if (t < 0 || t >= s->n_vocab) {
            w->error = "token id out of range: " + std::to_string(t);
            return;
        }
    const int n_out = w->plain ? 0 : std::max(0, L - w->out_from);
    w->entropy.assign(n_out, std::numeric_limits<double>::quiet_NaN());
    w->logprob.assign(n_out, std::numeric_limits<double>::quiet_NaN());
    if (w->k > 0) {
        w->top_ids.assign(static_cast<size_t>(n_out) * w->k, -1);
        w->top_logprob.assign(static_cast<size_t>(n_out) * w->k, -std::numeric_limits<double>::infinity());
    }
    if (w->pos0 == 0) {
        llama_memory_clear(llama_get_memory(s->ctx), true);
    } else if (!llama_memory_seq_rm(llama_get_memory(s->ctx), 0, w->pos0, -1)) {
        w->error = "could not truncate the KV cache at position " + std::to_string(w->pos0);
        return;
    }
    llama_batch batch = llama_batch_init(s->n_batch, 0, 1);
    std::vector<int> out_pos;
    for (int b0 = 0; b0 < L && w->error.empty(); b0 += s->n_batch) {
        const int nb = std::min(s->n_batch, L - b0);
        out_pos.clear();
        for (int i = 0; i < nb; i++) {
            const int p = b0 + i;
            batch.token[i] = w->input[p];
            batch.pos[i] = w->pos0 + p;
            batch.n_seq_id[i] = 1;
            batch.seq_id[i][0] = 0;
            const bool out = w->plain ? p == L - 1 : p >= w->out_from;
            batch.logits[i] = out ? 1 : 0;
            if (out) out_pos.push_back(p);
        }
        batch.n_tokens = nb;
        auto t0 = std::chrono::steady_clock::now();
        const int32_t rc = llama_decode(s->ctx, batch);
        w->decode_ms += ms_since(t0);
        if (rc != 0) {
            w->error = "llama_decode failed with code " + std::to_string(rc);
            break;
        }
        if (w->plain || out_pos.empty()) continue;
        // llama_get_logits_ith takes the index of the token in the batch.
        t0 = std::chrono::steady_clock::now();
        const int first = out_pos.front() - b0;  // outputs are a contiguous suffix of the batch
        const int n = static_cast<int>(out_pos.size());
        const int nt = std::min(s->threads, std::max(1, n / 8));
        if (nt <= 1) {
            stats_range(w, first, out_pos, 0, n);
        } else {
            std::vector<std::thread> pool;
            for (int k = 1; k < nt; k++)
                pool.emplace_back(stats_range, w, first, std::cref(out_pos), n * k / nt, n * (k + 1) / nt);
            stats_range(w, first, out_pos, 0, n / nt);
            for (auto& th : pool) th.join();
        }
        w->stats_ms += ms_since(t0);
    }
    llama_batch_free(batch);
}

void score_complete(napi_env env, napi_status status, void* data) {
    auto* w = static_cast<ScoreWork*>(data);
    w->s->busy = false;
    if (status != napi_ok && w->error.empty()) w->error = "scoring was cancelled";
    if (!w->error.empty()) {
        napi_value msg, err;
        napi_create_string_utf8(env, w->error.c_str(), NAPI_AUTO_LENGTH, &msg);
        napi_create_error(env, nullptr, msg, &err);
        napi_reject_deferred(env, w->deferred, err);
    } else {
        napi_value obj;
        napi_create_object(env, &obj);
        if (!w->plain) {
            napi_set_named_property(env, obj, "entropy", make_typed(env, napi_float64_array, w->entropy));
            napi_set_named_property(env, obj, "logprob", make_typed(env, napi_float64_array, w->logprob));
            napi_set_named_property(env, obj, "topTokens", make_typed(env, napi_int32_array, w->top_ids));
            napi_set_named_property(env, obj, "topLogprobs", make_typed(env, napi_float64_array, w->top_logprob));
            set_number(env, obj, "topK", w->k);
        }
        set_number(env, obj, "decodeMs", w->decode_ms);
        set_number(env, obj, "statsMs", w->stats_ms);
        napi_resolve_deferred(env, w->deferred, obj);
    }
    napi_delete_reference(env, w->handle_ref);
    napi_delete_async_work(env, w->work);
    delete w;
}

napi_value queue_score(napi_env env, napi_value handle, ScoreWork* w) {
    if (w->s->busy.exchange(true)) {
        delete w;
        napi_throw_error(env, nullptr, "the native session is busy (calls must be serialised)");
        return nullptr;
    }
    napi_value promise, name;
    napi_create_reference(env, handle, 1, &w->handle_ref);  // keeps the session alive while queued
    napi_create_promise(env, &w->deferred, &promise);
    napi_create_string_utf8(env, "entropyLensScore", NAPI_AUTO_LENGTH, &name);
    napi_create_async_work(env, nullptr, name, score_execute, score_complete, w, &w->work);
    napi_queue_async_work(env, w->work);
    return promise;
}

napi_value Score(napi_env env, napi_callback_info info) {
    size_t argc = 6;
    napi_value argv[6];
    NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
    if (argc < 4) return throw_type(env, "score(handle, input: Int32Array, targets: Int32Array, outFrom, topK?)");
    Session* s = get_session(env, argv[0]);
    if (!s) return nullptr;
    auto* w = new ScoreWork();
    w->s = s;
    int32_t out_from = 0, k = 0;
    if (!get_int32_array(env, argv[1], w->input) || !get_int32_array(env, argv[2], w->targets) ||
        napi_get_value_int32(env, argv[3], &out_from) != napi_ok) {
        delete w;
        return throw_type(env, "score(handle, input: Int32Array, targets: Int32Array, outFrom, topK?)");
    }
    if (argc >= 5) napi_get_value_int32(env, argv[4], &k);
    int32_t pos0 = 0;
    if (argc >= 6) napi_get_value_int32(env, argv[5], &pos0);
    w->pos0 = std::max(0, pos0);
    w->out_from = std::max(0, out_from);
    w->k = std::max(0, std::min(k, 256));
    w->k = std::min(w->k, s->n_vocab);
    return queue_score(env, argv[0], w);
}

napi_value Plain(napi_env env, napi_callback_info info) {
    size_t argc = 2;
    napi_value argv[2];
    NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
    if (argc < 2) return throw_type(env, "plain(handle, input: Int32Array)");
    Session* s = get_session(env, argv[0]);
    if (!s) return nullptr;
    auto* w = new ScoreWork();
    w->s = s;
    w->plain = true;
    if (!get_int32_array(env, argv[1], w->input)) {
        delete w;
        return throw_type(env, "plain(handle, input: Int32Array)");
    }
    return queue_score(env, argv[0], w);
}

napi_value Info(napi_env env, napi_callback_info info) {
    size_t argc = 1;
    napi_value argv[1];
    NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
    if (argc < 1) return throw_type(env, "info(handle)");
    Session* s = get_session(env, argv[0]);
    if (!s) return nullptr;
    napi_value obj;
    napi_create_object(env, &obj);
    set_number(env, obj, "vocabSize", s->n_vocab);
    set_number(env, obj, "trainContextSize", llama_model_n_ctx_train(s->model));
    set_number(env, obj, "contextSize", s->n_ctx);
    set_number(env, obj, "batchSize", s->n_batch);
    set_number(env, obj, "threads", s->threads);
    set_number(env, obj, "bos", llama_vocab_bos(s->vocab));
    set_number(env, obj, "eos", llama_vocab_eos(s->vocab));
    set_number(env, obj, "params", static_cast<double>(llama_model_n_params(s->model)));
    return obj;
}

napi_value Dispose(napi_env env, napi_callback_info info) {
    size_t argc = 1;
    napi_value argv[1];
    NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
    napi_value undef;
    napi_get_undefined(env, &undef);
    if (argc < 1) return undef;
    napi_valuetype t;
    napi_typeof(env, argv[0], &t);
    if (t != napi_external) return throw_type(env, "dispose(handle)");
    void* p = nullptr;
    napi_get_value_external(env, argv[0], &p);
    Session* s = static_cast<Session*>(p);
    if (!s) return undef;
    if (s->busy) {
        napi_throw_error(env, nullptr, "cannot dispose a busy native session");
        return nullptr;
    }
    s->free_all();  // the Session object itself is freed by the External's finalizer
    return undef;
}

// Self-test of the vectorised statistics against a plain float64 reference on random logits.
napi_value SelfTest(napi_env env, napi_callback_info info) {
    size_t argc = 2;
    napi_value argv[2];
    NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
    int32_t V = 32000, reps = 200;
    if (argc >= 1) napi_get_value_int32(env, argv[0], &V);
    if (argc >= 2) napi_get_value_int32(env, argv[1], &reps);
    std::vector<float> z(V);
    uint64_t x = 88172645463325252ull;
    double max_err = 0, sink = 0, ms = 0;
    for (int r = 0; r < reps; r++) {
        const float scale = 0.5f + 0.5f * (r % 20);
        for (int i = 0; i < V; i++) {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            z[i] = scale * (static_cast<float>(x >> 40) / static_cast<float>(1 << 24) - 0.5f) * 4.0f;
        }
        auto t0 = std::chrono::steady_clock::now();
        const Stats st = distribution_stats(z.data(), V);
        ms += ms_since(t0);
        sink += st.entropy;
        double m = -INFINITY;
        for (float v : z) m = std::max(m, static_cast<double>(v));
        double S = 0, T = 0;
        for (float v : z) { const double e = std::exp(v - m); S += e; T += e * (v - m); }
        const double H = std::log(S) - T / S;
        max_err = std::max(max_err, std::fabs(H - st.entropy));
        max_err = std::max(max_err, std::fabs(m + std::log(S) - st.lse));
    }
    napi_value obj;
    napi_create_object(env, &obj);
    set_number(env, obj, "maxAbsError", max_err);
    set_number(env, obj, "usPerPosition", ms * 1000.0 / reps);
    set_number(env, obj, "checksum", sink);
    return obj;
}

napi_value Init(napi_env env, napi_value exports) {
    napi_property_descriptor props[] = {
        {"ensureBackends", nullptr, EnsureBackends, nullptr, nullptr, nullptr, napi_default, nullptr},
        {"loadModel", nullptr, LoadModel, nullptr, nullptr, nullptr, napi_default, nullptr},
        {"score", nullptr, Score, nullptr, nullptr, nullptr, napi_default, nullptr},
        {"plain", nullptr, Plain, nullptr, nullptr, nullptr, napi_default, nullptr},
        {"info", nullptr, Info, nullptr, nullptr, nullptr, napi_default, nullptr},
        {"dispose", nullptr, Dispose, nullptr, nullptr, nullptr, napi_default, nullptr},
        {"selfTest", nullptr, SelfTest, nullptr, nullptr, nullptr, napi_default, nullptr},
    };
    napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
    return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
