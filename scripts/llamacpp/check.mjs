// Loads a GGUF file in llama.cpp (node-llama-cpp's prebuilt CPU library, no download, no build) and prints
// one JSON object: the log-probability of every given token after its prefix, a greedy continuation of a
// prompt, and llama.cpp's own tokenization of a text (to compare with QATBench's tokenizer).
//
//   node check.mjs DIR REQUEST.json    DIR: where install.sh put node-llama-cpp; REQUEST: {"model": "m.gguf", "tokens": [1, ...], "prompt": [1, ...],
//                                                 "greedy": 16, "text": "...", "windows": [[ids], ...],
//                                                 "perplexity": {"file": F, "seqLen": 512, "maxWindows": 0}}
// Output: {"logprobs": [lp(tokens[1] | tokens[0]), ...], "greedy": [ids...], "tokenized": [ids...],
//          "windows": {"nll": mean NLL over every window's targets, "tokens": N}, "llamaCppVersion": "...",
//          "perplexity": {"ppl", "nll", "scored", "textTokens", "windows"}}
// "perplexity" is QATBench's bos-window protocol with llama.cpp's own tokenizer: the file encoded once without
// BOS, every window [BOS] + seqLen - 1 text tokens, non-overlapping from token 0, the tail dropped.
// Every key of the request is optional. Each window (perplexity) is evaluated in a fresh sequence.
import {readFileSync} from "node:fs";
import {join} from "node:path";
import {pathToFileURL} from "node:url";

const {getLlama, LlamaLogLevel} = await import(
    pathToFileURL(join(process.argv[2], "node_modules", "node-llama-cpp", "dist", "index.js")).href);
const request = JSON.parse(readFileSync(process.argv[3], "utf8"));
const llama = await getLlama({gpu: false, build: "never", logLevel: LlamaLogLevel.error});
const model = await llama.loadModel({modelPath: request.model});
let pplWindows = [];
let textTokens = 0;
if (request.perplexity) {
    const p = request.perplexity;
    const ids = Array.from(model.tokenize(readFileSync(p.file, "utf8")));
    textTokens = ids.length;
    for (let at = 0; at + p.seqLen - 1 <= ids.length; at += p.seqLen - 1) {
        if (p.maxWindows && pplWindows.length >= p.maxWindows) break;
        pplWindows.push([model.tokens.bos, ...ids.slice(at, at + p.seqLen - 1)]);
    }
}
const longest = Math.max(...pplWindows.map((w) => w.length), request.tokens?.length ?? 0, (request.prompt?.length ?? 0) + (request.greedy ?? 16),
                         ...(request.windows ?? []).map((w) => w.length));
const contextSize = Math.max(256, longest);
// The KV cache in F32 (llama.cpp's default is F16) and no flash attention: one fewer rounding between llama.cpp
// and QATBench's float32 forward. "kvCache": "f16" in the request keeps llama.cpp's defaults.
const kv = request.kvCache === "f16" ? {} : {experimentalKvCacheKeyType: "F32", experimentalKvCacheValueType: "F32",
                                            flashAttention: false};
const context = await model.createContext({contextSize, batchSize: contextSize, sequences: 1, threads: 2, ...kv});
const sequence = context.getSequence();

// log p(next) from the full logits llama.cpp returns for one position. (The logits filter of
// controlledEvaluate was tried and returned wrong values at some positions in 3.22.1: the full map is used.)
function logProb(logits, next) {
    let max = -Infinity;
    for (const v of logits.values()) max = Math.max(max, v);
    let sum = 0;
    for (const v of logits.values()) sum += Math.exp(v - max);
    return logits.get(next) - max - Math.log(sum);
}
function argmax(logits) {
    let best = -1, bestValue = -Infinity;
    for (const [t, v] of logits) if (v > bestValue || (v === bestValue && t < best)) { best = t; bestValue = v; }
    return best;
}
const withLogits = (t) => [t, {generateNext: {logits: true}}];
// log p(tokens[i + 1] | tokens[0..i]) for every i, in chunks (a 32000-entry map per position adds up).
async function scoreTokens(tokens) {
    const lps = [];
    const chunk = 64;
    for (let start = 0; start + 1 < tokens.length; start += chunk) {
        const part = tokens.slice(start, Math.min(tokens.length - 1, start + chunk));
        const res = await sequence.controlledEvaluate(part.map(withLogits));
        for (let i = 0; i < part.length; ++i) lps.push(logProb(res[i].next.logits, tokens[start + i + 1]));
    }
    await sequence.clearHistory();
    return lps;
}

const out = {llamaCppVersion: llama.llamaCppRelease?.release ?? "unknown"};
if (request.tokens?.length) out.logprobs = await scoreTokens(request.tokens);
if (request.windows?.length) {
    let sum = 0, n = 0;
    for (const w of request.windows) for (const lp of await scoreTokens(w)) { sum -= lp; ++n; }
    out.windows = {nll: sum / n, tokens: n};
}
if (pplWindows.length) {
    let sum = 0, n = 0;
    for (const w of pplWindows) for (const lp of await scoreTokens(w)) { sum -= lp; ++n; }
    out.perplexity = {ppl: Math.exp(sum / n), nll: sum / n, scored: n, textTokens, windows: pplWindows.length};
}
if (request.prompt?.length) {
    out.greedy = [];
    let input = request.prompt.map((t, i) => (i + 1 === request.prompt.length ? withLogits(t) : t));
    for (let n = 0; n < (request.greedy ?? 16); ++n) {
        const res = await sequence.controlledEvaluate(input);
        const next = argmax(res[input.length - 1].next.logits);
        out.greedy.push(next);
        if (next === model.tokens.eos) break;
        input = [withLogits(next)];
    }
    await sequence.clearHistory();
}
if (typeof request.text === "string") out.tokenized = Array.from(model.tokenize(request.text));
console.log(JSON.stringify(out));
await context.dispose();
await model.dispose();
await llama.dispose();
