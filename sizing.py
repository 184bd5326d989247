#!/usr/bin/env python3
"""sizing: how many GPU servers an LLM deployment needs.

The data flows top to bottom through this file:

1. tables      precisions, scenarios, alert thresholds, the parameter dictionary
2. input       parsing of numbers (exact Fractions) and of the JSON catalogs
3. models      Hugging Face configs and catalog entries -> one normalized model
4. compute     KV bytes, sessions, nodes, alerts -> one plain-data report
5. display     number formatting used by every renderer
6. renderers   text, Markdown and JSON, each reading only the report
7. cli         argument parsing, atomic file writing and ``main``

Every figure is computed by a function that also builds its rationale
(formula with the numbers substituted, inputs, explanation) from the same
variables, so the value and its explanation cannot drift apart.
"""

import sys

# Checked before anything else is imported or defined, so older Pythons get one
# line instead of a traceback (this file keeps to syntax that 3.6 still parses).
if sys.version_info < (3, 8):
    sys.stderr.write("sizing: error: requer Python 3.8 ou mais novo (este é %d.%d) / "
                     "requires Python 3.8 or newer\n" % sys.version_info[:2])
    sys.exit(2)

import json
import os
import re
import stat
from fractions import Fraction

__version__ = "2.0.0"
SCHEMA_VERSION = "2.0"

GIB_BYTES = 2 ** 30          # GiB = 2^30 bytes
GB_BYTES = 10 ** 9           # GB  = 10^9 bytes (vendor HBM figures)
HERE = os.path.dirname(os.path.abspath(__file__))


# ---------------------------------------------------------------------------
# 1. Tables
# ---------------------------------------------------------------------------

# Bytes per KV element. nvfp4 packs two 4-bit values per byte plus one fp8
# scale per 16 values: 1/2 + 1/16 = 9/16 byte per element (vLLM
# vllm/v1/kv_cache_interface.py, FullAttentionSpec.real_page_size_bytes:
# head_size//2 data bytes + head_size//16 scale bytes per head).
KV_PRECISIONS = {
    "fp8": (Fraction(1), "FP8 (E4M3/E5M2): 8 bits = 1 byte por elemento"),
    "fp16": (Fraction(2), "IEEE 754 half precision: 16 bits = 2 bytes por elemento"),
    "bf16": (Fraction(2), "bfloat16: 16 bits = 2 bytes por elemento"),
    "fp32": (Fraction(4), "IEEE 754 single precision: 32 bits = 4 bytes por elemento"),
    "int8": (Fraction(1), "inteiro de 8 bits = 1 byte por elemento (escalas à parte)"),
    "nvfp4": (Fraction(9, 16), "NVFP4: 4 bits por valor + 1 escala fp8 a cada 16 valores = "
                               "9/16 byte por elemento (vLLM, kv_cache_interface.py)"),
}
HIGH_KV_PRECISIONS = ("fp16", "bf16", "fp32")

# Bytes per weight parameter, for weight footprints given as
# parameters x precision. mxfp4: 4-bit values plus one 8-bit (E8M0) scale per
# 32 values = 1/2 + 1/32 = 17/32 byte (OCP Microscaling Formats spec v1.0).
WEIGHT_PRECISIONS = {
    "fp32": Fraction(4), "bf16": Fraction(2), "fp16": Fraction(2),
    "fp8": Fraction(1), "int8": Fraction(1), "int4": Fraction(1, 2),
    "mxfp4": Fraction(17, 32), "nvfp4": Fraction(9, 16),
}

# The three scenarios. headroom: "none" = 0, "option" = the user's ratio,
# otherwise max(option, floor). Budget: the user's ratio, capped when
# budget_cap is set.
SCENARIOS = (
    {"key": "minimum", "label": "MÍNIMO", "use_headroom": False, "headroom_floor": None,
     "ha_extra_nodes": 0, "ha_label": "sem HA", "budget_cap": None,
     "usage": "PoC, desenvolvimento e testes", "marker": ""},
    {"key": "recommended", "label": "RECOMENDADO", "use_headroom": True, "headroom_floor": None,
     "ha_extra_nodes": 1, "ha_label": "N+1", "budget_cap": None,
     "usage": "produção", "marker": " ✅"},
    {"key": "ideal", "label": "IDEAL", "use_headroom": True, "headroom_floor": Fraction(3, 10),
     "ha_extra_nodes": 2, "ha_label": "N+2", "budget_cap": Fraction(65, 100),
     "usage": "missão crítica", "marker": ""},
)

DEFAULTS = {
    "kv_precision": "fp8",
    "kv_budget_ratio": Fraction(70, 100),
    "runtime_overhead_gib": Fraction(120),
    "peak_headroom_ratio": Fraction(20, 100),
    "storage": "profile_default",
    "kv_accounting": "spec",
    "block_size": 16,
    "max_num_batched_tokens": 8192,
    "max_num_seqs": 1024,
    # Roofline: memory-bound decode kernels reach about 80% of peak HBM
    # bandwidth; prefill typically reaches 30-50% of dense peak FLOPS (MFU).
    "hbm_efficiency": Fraction(80, 100),
    "mfu": Fraction(40, 100),
}

# Alert thresholds (the guide's "Alertas Automatizados" table).
LONG_CONTEXT_TOKENS = 128000             # the guide's "128k"
FRAGMENTATION_BUDGET_RATIO = Fraction(75, 100)
LOW_RUNTIME_OVERHEAD_GIB = Fraction(50)
ACCOUNTING_GAP_RATIO = Fraction(110, 100)  # > 10% apart
# Latency: below 10 tokens/s per session generation is slower than reading;
# over 10 s to first token an interactive user gives up.
UNUSABLE_TPOT_MS = 100
UNUSABLE_TTFT_S = 10
FAILOVER_RESTORE_LIMIT_S = 60            # a failed node's sessions back within a minute
EXACT_EXPERT_BATCH = 4096                # exact (1 - k/E)^batch up to this batch

# The parameter dictionary: (name, origin, what it is, why it matters, common mistake).
PARAMETER_DICTIONARY = (
    ("num_hidden_layers", "Modelo",
     "Número de camadas do transformer; cada camada de atenção guarda o seu próprio K e V.",
     "O KV cresce linearmente com o número de camadas que guardam cache.",
     "Contar camadas sem atenção (MLP, Mamba) como se guardassem KV, ou esquecer que camadas "
     "sliding guardam só a janela."),
    ("num_attention_heads", "Modelo",
     "Número de heads de query da atenção.",
     "Define head_dim quando o config não traz head_dim (hidden_size / num_attention_heads).",
     "Usá-lo no lugar de num_key_value_heads: superestima o KV em 4 a 8 vezes em modelos GQA."),
    ("num_key_value_heads", "Modelo",
     "Número de heads de K/V; com GQA é menor que o de query, com MQA é 1.",
     "8 KV heads em vez de 64 significam 8 vezes menos memória de KV.",
     "Usar num_attention_heads: superestimação de 4 a 8 vezes."),
    ("head_dim", "Modelo",
     "Dimensão de cada head de atenção (elementos por head por token).",
     "Multiplica diretamente o KV por token.",
     "Calcular hidden_size / num_attention_heads quando o config traz head_dim "
     "(gpt-oss: 2880/64 = 45, mas head_dim real é 64)."),
    ("max_position_embeddings", "Modelo",
     "Maior contexto que o modelo suporta.",
     "O contexto efetivo é limitado a este valor (clamp automático com alerta).",
     "Dimensionar para um contexto que o modelo não aceita."),
    ("sliding_window", "Modelo",
     "Tamanho da janela das camadas de atenção deslizante (sliding window).",
     "Camadas sliding guardam no máximo a janela, não o contexto inteiro.",
     "Cobrar contexto cheio nas camadas sliding, ou aplicar a janela a camadas full."),
    ("attention_pattern", "Modelo",
     "Distribuição das camadas entre atenção full, sliding, chunked ou MLA.",
     "Em modelos híbridos só as camadas full crescem com o contexto.",
     "Tratar um modelo híbrido como se todas as camadas fossem full."),
    ("effective_context", "NFR",
     "Tokens de contexto (prompt + resposta) que cada sessão mantém em cache.",
     "O KV das camadas full cresce linearmente com ele.",
     "Usar o contexto máximo do modelo quando o uso real é bem menor (ou o contrário)."),
    ("concurrency", "NFR",
     "Sessões ativas ao mesmo tempo, cada uma com o seu KV residente na HBM.",
     "Os nós necessários crescem linearmente com a concorrência.",
     "Confundir usuários cadastrados ou requisições por segundo com sessões simultâneas."),
    ("kv_precision", "Runtime",
     "Tipo numérico dos elementos do KV cache (fp8, fp16, bf16, fp32, int8, nvfp4).",
     "fp16/bf16 ocupam o dobro de fp8: metade das sessões por nó.",
     "Assumir fp8 sem validar a qualidade, ou esquecer de habilitá-lo no runtime."),
    ("kv_budget_ratio", "Runtime",
     "Fração da HBM livre (após o overhead de runtime) reservada ao KV cache.",
     "Define quantas sessões cabem por nó.",
     "Usar valores acima de 0.75: fragmentação e falta de memória para ativações."),
    ("runtime_overhead_gib", "Runtime",
     "Memória por nó reservada a pesos do modelo, ativações, grafos CUDA e buffers.",
     "É descontada da HBM antes de aplicar o budget de KV.",
     "Subestimar (abaixo de 50 GiB) ou esquecer que os pesos de cada instância ficam aqui."),
    ("peak_headroom_ratio", "NFR",
     "Folga sobre a concorrência para absorver picos de tráfego.",
     "Multiplica a concorrência antes de calcular os nós.",
     "Dimensionar pela média de tráfego, sem folga para picos."),
    ("ha_extra_nodes", "NFR",
     "Nós de reserva para alta disponibilidade (N+1, N+2).",
     "Garante capacidade quando um ou dois nós falham ou entram em manutenção.",
     "Contar a reserva como capacidade disponível para tráfego normal."),
    ("total_hbm_gb", "Hardware",
     "HBM total do servidor em GB (10^9 bytes), somando todas as GPUs.",
     "É a memória de onde saem overhead e budget de KV.",
     "Misturar GB (10^9) e GiB (2^30): 2304 GB são 2145.77 GiB, não 2304 GiB."),
    ("storage_profile", "Hardware",
     "Perfil de storage (IOPS, throughput, latência) usado para pesos e offload de KV.",
     "Contextos longos e recuperação de sessões pressionam o I/O.",
     "Ignorar o storage em contextos acima de 128k tokens."),
)


# ---------------------------------------------------------------------------
# 2. Input: errors, exact numbers, JSON files
# ---------------------------------------------------------------------------

class InputError(Exception):
    """Bad input: reported as one line on stderr with exit status 2."""


def cdiv(a, b):
    """Ceiling division for non-negative integers (or Fractions)."""
    return -(-a // b)


# Inputs beyond this magnitude are typos, and would overflow a float in the JSON.
MAX_INPUT = 10 ** 15
# Plain decimal notation in ASCII digits: 12, 0.7, .5, 1e3, 2.5E-2 (no '_', no
# fractions such as 1/3, no other scripts' digits). Exponents of two digits at most.
_DECIMAL_TEXT = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]{1,2})?", re.ASCII)
_INT_TEXT = re.compile(r"[+-]?[0-9]+", re.ASCII)
# Positive magnitudes below this are typos too, and would overflow a float once inverted.
MIN_POSITIVE = Fraction(1, 10 ** 15)
MIN_EFFICIENCY = Fraction(1, 100)        # --hbm-efficiency and --mfu: 1% at least


def parse_int_option(text, option, minimum=1):
    """An integer option in plain ASCII digits ('12', '+12'); no '_', decimals, nan or inf."""
    value = _option_text(text)
    if not _INT_TEXT.fullmatch(value) or len(value.lstrip("+-")) > 16:
        raise InputError("%s: '%s' não é um número inteiro entre %d e 10^15" % (option, text, minimum))
    number = int(value)
    if number < minimum or number > MAX_INPUT:
        raise InputError("%s: deve estar entre %d e 10^15 (recebido %s)" % (option, minimum, text))
    return number


def _option_text(text):
    """argparse gives `--option=--` as a list on Python 3.8-3.12: the user typed '--'."""
    return "--" if isinstance(text, list) else str(text).strip()


def parse_fraction_option(text, option, minimum=None, minimum_inclusive=True, maximum=MAX_INPUT):
    """A decimal option as an exact Fraction ('0.70' -> 7/10); nan and inf are rejected."""
    value_text = _option_text(text)
    if not _DECIMAL_TEXT.fullmatch(value_text):
        raise InputError("%s: '%s' não é um número válido" % (option, text))
    try:
        value = Fraction(value_text)
    except (ValueError, ZeroDivisionError):
        raise InputError("%s: '%s' não é um número válido" % (option, text))
    if minimum is not None:
        below = value < minimum if minimum_inclusive else value <= minimum
        if below:
            sign = ">=" if minimum_inclusive else ">"
            raise InputError("%s: deve ser %s %s (recebido %s)" % (option, sign, _plain(minimum), text))
    if value > maximum:
        raise InputError("%s: deve ser <= %s (recebido %s)" % (option, _plain(maximum), text))
    if 0 < abs(value) < MIN_POSITIVE:
        raise InputError("%s: valores diferentes de zero devem ser >= 10^-15 (recebido %s)" % (option, text))
    return value


def _json_decimal(text):
    """A JSON decimal as an exact Fraction; absurd exponents are refused, not computed."""
    exponent = text.lower().partition("e")[2]
    if exponent and abs(int(exponent)) > 400:
        raise ValueError("número fora de faixa: %s" % text)
    return Fraction(text)


def _reject_constant(name):
    raise ValueError("constante não permitida em JSON: %s" % name)


def _no_duplicate_keys(pairs):
    result = {}
    for key, value in pairs:
        if key in result:
            raise ValueError("chave duplicada: %r" % key)
        result[key] = value
    return result


# Catalogs and configs are small (a config.json is a few KB, a safetensors index a
# few MB); anything larger is the wrong file, and reading it whole would be slow.
MAX_JSON_FILE_BYTES = 16 * 2 ** 20


def read_regular_file(path, limit=MAX_JSON_FILE_BYTES):
    """The bytes of a regular file of at most `limit` bytes; FIFOs and devices are refused.

    Opened non-blocking so that a FIFO cannot make the open itself wait for a writer.
    """
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except (OSError, ValueError) as error:
        raise InputError("%s: não foi possível ler o arquivo (%s)" % (path, _os_reason(error)))
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            raise InputError("%s: não é um arquivo comum (FIFO, dispositivo ou diretório)" % path)
        if info.st_size > limit:
            raise InputError("%s: arquivo grande demais (%d bytes; o limite é %d MiB)"
                             % (path, info.st_size, limit // 2 ** 20))
        chunks, size = [], 0
        while True:
            chunk = os.read(handle, 1 << 20)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise InputError("%s: arquivo grande demais (o limite é %d MiB)" % (path, limit // 2 ** 20))
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as error:
        raise InputError("%s: não foi possível ler o arquivo (%s)" % (path, _os_reason(error)))
    finally:
        os.close(handle)


def _os_reason(error):
    return getattr(error, "strerror", None) or str(error)


def load_json_file(path, allow_constants=False):
    """Read a JSON file with exact decimals (Fraction); errors name file and line:column."""
    raw = read_regular_file(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("%s: o arquivo não está em UTF-8" % path)
    try:
        return json.loads(
            text, parse_float=_json_decimal, object_pairs_hook=_no_duplicate_keys,
            parse_constant=(lambda name: float(name)) if allow_constants else _reject_constant)
    except json.JSONDecodeError as error:
        raise InputError("%s:%d:%d: JSON inválido (%s)" % (path, error.lineno, error.colno, error.msg))
    except RecursionError:
        raise InputError("%s: JSON inválido (aninhamento profundo demais)" % path)
    except ValueError as error:
        raise InputError("%s: JSON inválido (%s)" % (path, error))


# Field checks shared by the catalogs. Each names file, entry and field.

def _where(path, entry, field):
    return "%s: entrada '%s', campo '%s'" % (path, entry, field)


def _is_number(value):
    return isinstance(value, (int, Fraction)) and not isinstance(value, bool)


def require_positive_int(data, field, path, entry, default=None):
    value = data.get(field, default)
    if value is None:
        raise InputError("%s: campo obrigatório ausente" % _where(path, entry, field))
    if isinstance(value, Fraction) and value.denominator == 1 and value > 0:
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0 or value > MAX_INPUT:
        raise InputError("%s: deve ser um inteiro positivo até 10^15 (recebido %s)"
                         % (_where(path, entry, field), _json_repr(value)))
    return value


def require_positive_number(data, field, path, entry, optional=False):
    value = data.get(field)
    if value is None:
        if optional:
            return None
        raise InputError("%s: campo obrigatório ausente" % _where(path, entry, field))
    if not _is_number(value) or value < MIN_POSITIVE or value > MAX_INPUT:
        raise InputError("%s: deve ser um número entre 10^-15 e 10^15 (recebido %s)"
                         % (_where(path, entry, field), _json_repr(value)))
    return Fraction(value)


def require_text(data, field, path, entry, optional=False):
    value = data.get(field)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip():
        raise InputError("%s: deve ser um texto não vazio" % _where(path, entry, field))
    return value


def _json_repr(value):
    if isinstance(value, Fraction):
        return _plain(value) if value == 0 or abs(value) >= Fraction(1, 10 ** 6) else _sci(value)
    return json.dumps(value, ensure_ascii=False, default=str)


def load_catalog(path, kind):
    data = load_json_file(path)
    if not isinstance(data, dict) or not data:
        raise InputError("%s: o catálogo de %s deve ser um objeto JSON não vazio, "
                         "com uma entrada por nome" % (path, kind))
    for name, entry in data.items():
        if not isinstance(entry, dict):
            raise InputError("%s: entrada '%s' deve ser um objeto JSON" % (path, name))
    return data


def pick_entry(catalog, name, option, path):
    if name not in catalog:
        raise InputError("%s: '%s' não existe em %s; nomes válidos: %s"
                         % (option, name, path, ", ".join(sorted(catalog))))
    return catalog[name]


def validate_server(name, entry, path):
    gpus = require_positive_int(entry, "gpus", path, name)
    hbm_per_gpu_gb = require_positive_number(entry, "hbm_per_gpu_gb", path, name)
    total_hbm_gb = require_positive_number(entry, "total_hbm_gb", path, name, optional=True)
    if total_hbm_gb is None:
        total_hbm_gb = gpus * hbm_per_gpu_gb
    elif total_hbm_gb != gpus * hbm_per_gpu_gb:
        raise InputError("%s: deve ser gpus x hbm_per_gpu_gb = %d x %s = %s (recebido %s)"
                         % (_where(path, name, "total_hbm_gb"), gpus, _plain(hbm_per_gpu_gb),
                            _plain(gpus * hbm_per_gpu_gb), _plain(total_hbm_gb)))
    nvlink = entry.get("nvlink_bandwidth_tbps")
    if nvlink is not None:
        nvlink = require_positive_number(entry, "nvlink_bandwidth_tbps", path, name)
    server = {"name": name, "gpus": gpus, "hbm_per_gpu_gb": hbm_per_gpu_gb,
              "total_hbm_gb": total_hbm_gb, "nvlink_bandwidth_tbps": nvlink}
    for field in SERVER_PERFORMANCE_FIELDS:
        server[field] = require_positive_number(entry, field, path, name, optional=True)
    for field in ("description", "source"):
        server[field] = require_text(entry, field, path, name, optional=True)
    return server


# Per-GPU facts for the roofline (optional: without them no latency figures).
SERVER_PERFORMANCE_FIELDS = ("hbm_bandwidth_tb_s", "bf16_dense_tflops", "fp8_dense_tflops",
                             "nvlink_per_gpu_gb_s")

STORAGE_NUMBER_FIELDS = ("read_iops", "write_iops", "read_throughput_gb_s", "write_throughput_gb_s",
                         "read_latency_p99_ms", "write_latency_p99_ms")


def validate_storage(name, entry, path):
    storage = {"name": name, "type": require_text(entry, "type", path, name)}
    for field in STORAGE_NUMBER_FIELDS:
        storage[field] = require_positive_number(entry, field, path, name)
    for field in ("description", "source"):
        storage[field] = require_text(entry, field, path, name, optional=True)
    return storage


# ---------------------------------------------------------------------------
# 3. Models: one class per layer kind, each computing its own reservation
# ---------------------------------------------------------------------------

class FullAttentionLayers:
    """Layers that keep K/V for every token of the context."""
    kind = "full_attention"
    short = "full"

    def __init__(self, count):
        self.count = count

    def spec_tokens(self, context_tokens):
        return context_tokens

    def spec_tokens_text(self, context_tokens):
        return "%d" % context_tokens

    def vllm_blocks(self, context_tokens, block_size, max_num_batched_tokens):
        # vLLM FullAttentionSpec.max_memory_usage_bytes: cdiv(max_model_len, block_size)
        return cdiv(context_tokens, block_size)

    def vllm_blocks_text(self, context_tokens, block_size, max_num_batched_tokens):
        return "cdiv(%d, %d)" % (context_tokens, block_size)

    def attended_pairs(self, tokens):
        """(query, key) pairs a causal prefill of `tokens` computes in one layer."""
        return tokens * (tokens + 1) // 2

    def describe(self):
        return "%d full" % self.count


class SlidingWindowLayers(FullAttentionLayers):
    """Layers that keep K/V for the last `window` tokens only."""
    kind = "sliding_attention"
    short = "sliding"

    def __init__(self, count, window):
        FullAttentionLayers.__init__(self, count)
        self.window = window

    def spec_tokens(self, context_tokens):
        return min(self.window, context_tokens)

    def spec_tokens_text(self, context_tokens):
        return "min(%d, %d)" % (self.window, context_tokens)

    def vllm_blocks(self, context_tokens, block_size, max_num_batched_tokens):
        # vLLM SlidingWindowSpec: window - 1 computed tokens plus the newly
        # scheduled ones, capped at max_model_len, + 1 block for misalignment.
        tokens = min(self.window - 1 + max_num_batched_tokens, context_tokens)
        return cdiv(tokens, block_size) + 1

    def vllm_blocks_text(self, context_tokens, block_size, max_num_batched_tokens):
        return "(cdiv(min(%d - 1 + %d, %d), %d) + 1)" % (
            self.window, max_num_batched_tokens, context_tokens, block_size)

    def attended_pairs(self, tokens):
        w = min(self.window, tokens)
        return w * (w + 1) // 2 + (tokens - w) * w

    def describe(self):
        return "%d sliding (janela %d)" % (self.count, self.window)


class ChunkedLocalLayers(FullAttentionLayers):
    """Layers that attend within fixed chunks of `chunk` tokens (Llama 4)."""
    kind = "chunked_attention"
    short = "chunked"

    def __init__(self, count, chunk):
        FullAttentionLayers.__init__(self, count)
        self.chunk = chunk

    def spec_tokens(self, context_tokens):
        return min(self.chunk, context_tokens)

    def spec_tokens_text(self, context_tokens):
        return "min(%d, %d)" % (self.chunk, context_tokens)

    def vllm_blocks(self, context_tokens, block_size, max_num_batched_tokens):
        # vLLM ChunkedLocalAttentionSpec: chunk + newly scheduled tokens, capped.
        tokens = min(self.chunk + max_num_batched_tokens, context_tokens)
        return cdiv(tokens, block_size)

    def vllm_blocks_text(self, context_tokens, block_size, max_num_batched_tokens):
        return "cdiv(min(%d + %d, %d), %d)" % (
            self.chunk, max_num_batched_tokens, context_tokens, block_size)

    def attended_pairs(self, tokens):
        whole, rest = divmod(tokens, self.chunk)
        return whole * self.chunk * (self.chunk + 1) // 2 + rest * (rest + 1) // 2

    def describe(self):
        return "%d chunked (bloco %d)" % (self.count, self.chunk)


# Defaults of Hugging Face config classes for fields that published configs
# may omit (a config.json only stores values that differ from its class).
# gemma3_text: transformers Gemma3TextConfig (sliding_window_pattern=6,
# max_position_embeddings=131072, head_dim=256, num_key_value_heads=4,
# sliding_window=4096). llama4_text: Llama4TextConfig (no_rope_layer_interval
# =4: every 4th layer is global NoPE attention, the others chunked).
MODEL_TYPE_DEFAULTS = {
    "gemma3_text": {"sliding_window_pattern": 6, "max_position_embeddings": 131072,
                    "head_dim": 256, "num_key_value_heads": 4, "sliding_window": 4096},
    "llama4_text": {"no_rope_layer_interval": 4},
}

# Layer kinds that keep no KV cache that this tool can size.
UNSIZABLE_LAYER_KINDS = {
    "linear_attention": "atenção linear (Gated DeltaNet)",
    "mamba": "Mamba/SSM",
}

# Catalog-only fields carried over from a models.json entry.
MODEL_META_FIELDS = ("description", "source", "aliases", "total_parameters", "active_parameters",
                     "weights_bytes", "weight_precision", "num_local_experts", "num_experts_per_tok")


def normalize_model(name, raw, path):
    """A catalog entry or Hugging Face config -> a normalized model dict.

    Every rule applied is recorded in `derivation` (Portuguese), which the
    rationale of the KV figure repeats.
    """
    derivation = []
    config = raw
    if isinstance(raw.get("text_config"), dict):
        config = dict(raw["text_config"])
        derivation.append("config multimodal: text_config aninhado usado como o modelo de linguagem")
    model_type = require_text(config, "model_type", path, name, optional=True)
    defaults = MODEL_TYPE_DEFAULTS.get(model_type, {})

    def field(key):
        if key in config:
            return config[key]
        if key in defaults:
            derivation.append("%s ausente do config: padrão de %s = %s"
                              % (key, model_type, defaults[key]))
            return defaults[key]
        return None

    view = {}
    for key in ("num_hidden_layers", "num_attention_heads", "num_key_value_heads", "head_dim",
                "max_position_embeddings", "sliding_window", "sliding_window_pattern",
                "no_rope_layer_interval"):
        view[key] = field(key)
    layers = require_positive_int(view, "num_hidden_layers", path, name)
    heads = require_positive_int(view, "num_attention_heads", path, name)
    if view["num_key_value_heads"] is None:
        view["num_key_value_heads"] = heads
        derivation.append("num_key_value_heads ausente: igual a num_attention_heads (%d, MHA)" % heads)
    kv_heads = require_positive_int(view, "num_key_value_heads", path, name)
    if kv_heads == 1:
        derivation.append("num_key_value_heads = 1: MQA, um único KV head")
    max_context = require_positive_int(view, "max_position_embeddings", path, name)

    mla_latent = None
    if config.get("kv_lora_rank") is not None:
        rank = require_positive_int(config, "kv_lora_rank", path, name)
        rope = require_positive_int(config, "qk_rope_head_dim", path, name)
        mla_latent = rank + rope
        derivation.append("MLA (kv_lora_rank %d + qk_rope_head_dim %d): um latente de %d elementos "
                          "por token por camada, sem fator 2 de K/V e sem heads" % (rank, rope, mla_latent))
        if view["head_dim"] is None and config.get("qk_nope_head_dim") is not None:
            # The query/key head width; reported, but not used by the MLA cache.
            view["head_dim"] = require_positive_int(config, "qk_nope_head_dim", path, name) + rope
    head_dim = _model_head_dim(view, config, heads, path, name, derivation)

    groups = _layer_groups(name, config, view, layers, path, derivation)
    if mla_latent is not None and any(g.kind != "full_attention" for g in groups):
        raise InputError("%s: MLA com camadas sliding/chunked não é suportado"
                         % _where(path, name, "kv_lora_rank"))
    model = {
        "name": name,
        "model_type": model_type,
        "num_hidden_layers": layers,
        "num_attention_heads": heads,
        "num_key_value_heads": kv_heads,
        "head_dim": head_dim,
        "max_position_embeddings": max_context,
        "sliding_window": _first_window(groups),
        "kv_format": "mla" if mla_latent is not None else "attention",
        "mla_latent_dim": mla_latent,
        "layer_groups": groups,
        "attention_pattern": _pattern_name(groups, mla_latent),
        "derivation": derivation,
    }
    for key in MODEL_META_FIELDS:
        model[key] = None
    model["source"] = require_text(raw, "source", path, name, optional=True)
    model["description"] = require_text(raw, "description", path, name, optional=True)
    model["aliases"] = _aliases(raw, path, name)
    model["weights"] = _model_weights(raw, path, name)
    model["weight_precision"] = _weight_precision(raw, path, name)
    if raw.get("weights_bytes") is not None:
        model["weights_bytes"] = model["weights"]["weights_bytes"]
    for key in ("total_parameters", "active_parameters", "num_local_experts", "num_experts_per_tok"):
        if raw.get(key) is not None:
            model[key] = require_positive_int(raw, key, path, name)
    if model["num_local_experts"] is None:
        for key in ("num_experts", "n_routed_experts"):
            if config.get(key) is not None:
                model["num_local_experts"] = require_positive_int(config, key, path, name)
    if model["num_experts_per_tok"] is None and config.get("num_experts_per_tok") is not None:
        model["num_experts_per_tok"] = require_positive_int(config, "num_experts_per_tok", path, name)
    for small, large in (("active_parameters", "total_parameters"),
                         ("num_experts_per_tok", "num_local_experts")):
        if model[small] is not None and model[large] is not None and model[small] > model[large]:
            raise InputError("%s: não pode ser maior que %s" % (_where(path, name, small), large))
    return model


def _model_head_dim(view, config, heads, path, name, derivation):
    if view["head_dim"] is not None:
        return require_positive_int(view, "head_dim", path, name)
    if config.get("attention_head_dim") is not None:
        derivation.append("head_dim lido de attention_head_dim")
        return require_positive_int(config, "attention_head_dim", path, name)
    hidden = require_positive_int(config, "hidden_size", path, name)
    if hidden % heads:
        raise InputError("%s: head_dim ausente e hidden_size %d não é divisível por "
                         "num_attention_heads %d" % (_where(path, name, "head_dim"), hidden, heads))
    derivation.append("head_dim ausente: hidden_size / num_attention_heads = %d / %d = %d"
                      % (hidden, heads, hidden // heads))
    return hidden // heads


def _layer_groups(name, config, view, layers, path, derivation):
    """Layer kinds, by the first rule that applies (each rule is recorded)."""
    pattern = config.get("attention_pattern")
    if pattern is not None:
        return _guide_pattern_groups(name, config, view, layers, path)
    if config.get("layer_types") is not None:
        kinds = config["layer_types"]
        if (not isinstance(kinds, list) or len(kinds) != layers
                or not all(isinstance(kind, str) for kind in kinds)):
            raise InputError("%s: deve ser uma lista de %d nomes (num_hidden_layers)"
                             % (_where(path, name, "layer_types"), layers))
        derivation.append("tipos de camada lidos de layer_types")
        return _groups_from_kinds(name, kinds, config, view, path, "layer_types")
    if config.get("hybrid_override_pattern") is not None:
        require_text(config, "hybrid_override_pattern", path, name)
        symbols = {"*": "full_attention", "M": "mamba", "-": None, "E": None}
        text = config["hybrid_override_pattern"]
        unknown = sorted(set(text) - set(symbols))
        if unknown or len(text) != layers:
            raise InputError("%s: padrão não reconhecido" % _where(path, name, "hybrid_override_pattern"))
        kinds = [symbols[c] for c in text if symbols[c]]
        derivation.append("hybrid_override_pattern: '*' = atenção, 'M' = Mamba, '-'/'E' = MLP/MoE sem KV")
        return _groups_from_kinds(name, kinds, config, view, path, "hybrid_override_pattern")
    if config.get("full_attention_interval") is not None:
        interval = require_positive_int(config, "full_attention_interval", path, name)
        kinds = ["full_attention" if (i + 1) % interval == 0 else "linear_attention"
                 for i in range(layers)]
        derivation.append("full_attention_interval %d: uma camada full a cada %d, as demais lineares"
                          % (interval, interval))
        return _groups_from_kinds(name, kinds, config, view, path, "full_attention_interval")
    if config.get("attention_chunk_size") is not None and view["no_rope_layer_interval"] is not None:
        interval = require_positive_int(view, "no_rope_layer_interval", path, name)
        kinds = ["full_attention" if (i + 1) % interval == 0 else "chunked_attention"
                 for i in range(layers)]
        derivation.append("attention_chunk_size com no_rope_layer_interval %d: uma camada full (NoPE) "
                          "a cada %d, as demais chunked" % (interval, interval))
        return _groups_from_kinds(name, kinds, config, view, path, "attention_chunk_size")
    window = view["sliding_window"]
    if window is not None and view["sliding_window_pattern"] is not None:
        every = require_positive_int(view, "sliding_window_pattern", path, name)
        kinds = ["full_attention" if (i + 1) % every == 0 else "sliding_attention"
                 for i in range(layers)]
        derivation.append("sliding_window_pattern %d: uma camada full a cada %d, as demais sliding "
                          "(estilo Gemma)" % (every, every))
        return _groups_from_kinds(name, kinds, config, view, path, "sliding_window_pattern")
    if window is not None:
        use_window = config.get("use_sliding_window")
        if use_window is not None and not isinstance(use_window, bool):
            raise InputError("%s: deve ser true ou false" % _where(path, name, "use_sliding_window"))
        if use_window is False:
            derivation.append("sliding_window presente mas use_sliding_window = false: todas as "
                              "camadas full (estilo Qwen2)")
            return [FullAttentionLayers(layers)]
        derivation.append("sliding_window sem padrão por camada: todas as camadas sliding "
                          "(estilo Mistral)")
        return _groups_from_kinds(name, ["sliding_attention"] * layers, config, view, path,
                                  "sliding_window")
    derivation.append("sem sliding_window nem layer_types: todas as camadas full")
    return [FullAttentionLayers(layers)]


def _guide_pattern_groups(name, config, view, layers, path):
    pattern = config.get("attention_pattern")
    if pattern not in ("full", "sliding", "hybrid"):
        raise InputError("%s: deve ser 'full', 'sliding' ou 'hybrid' (recebido %s)"
                         % (_where(path, name, "attention_pattern"), _json_repr(pattern)))
    defaults = {"full": (layers, 0), "sliding": (0, layers), "hybrid": (None, None)}[pattern]
    full = config.get("full_attention_layers", defaults[0])
    sliding = config.get("sliding_attention_layers", defaults[1])
    for field, value in (("full_attention_layers", full), ("sliding_attention_layers", sliding)):
        if value is None:
            raise InputError("%s: campo obrigatório para attention_pattern '%s'"
                             % (_where(path, name, field), pattern))
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise InputError("%s: deve ser um inteiro >= 0 (recebido %s)"
                             % (_where(path, name, field), _json_repr(value)))
    if full + sliding != layers:
        raise InputError("%s: full_attention_layers (%d) + sliding_attention_layers (%d) deve "
                         "somar num_hidden_layers (%d)"
                         % (_where(path, name, "attention_pattern"), full, sliding, layers))
    expected = {"full": (layers, 0), "sliding": (0, layers)}.get(pattern)
    if expected is not None and (full, sliding) != expected:
        raise InputError("%s: '%s' exige %d full + %d sliding"
                         % (_where(path, name, "attention_pattern"), pattern, expected[0], expected[1]))
    groups = []
    if full:
        groups.append(FullAttentionLayers(full))
    if sliding:
        window = require_positive_int(view, "sliding_window", path, name)
        groups.append(SlidingWindowLayers(sliding, window))
    return groups


def _groups_from_kinds(name, kinds, config, view, path, field):
    counts = {}
    for kind in kinds:
        counts[kind] = counts.get(kind, 0) + 1
    unsizable = [k for k in counts if k not in ("full_attention", "sliding_attention",
                                                "chunked_attention")]
    if unsizable:
        described = ", ".join("%d camadas '%s' (%s)" % (counts[k], k, UNSIZABLE_LAYER_KINDS.get(
            k, "tipo desconhecido")) for k in unsizable)
        raise InputError("%s: o modelo tem camadas que esta ferramenta não sabe dimensionar: %s; "
                         "o KV só seria correto para as camadas de atenção"
                         % (_where(path, name, field), described))
    groups = []
    if counts.get("full_attention"):
        groups.append(FullAttentionLayers(counts["full_attention"]))
    if counts.get("sliding_attention"):
        window = require_positive_int(view, "sliding_window", path, name)
        groups.append(SlidingWindowLayers(counts["sliding_attention"], window))
    if counts.get("chunked_attention"):
        chunk = require_positive_int(config, "attention_chunk_size", path, name)
        groups.append(ChunkedLocalLayers(counts["chunked_attention"], chunk))
    if not groups:
        raise InputError("%s: nenhuma camada de atenção" % _where(path, name, field))
    return groups


def _first_window(groups):
    for group in groups:
        if group.kind == "sliding_attention":
            return group.window
    return None


def _pattern_name(groups, mla_latent):
    if mla_latent is not None:
        return "mla"
    shorts = [g.short for g in groups]
    return shorts[0] if len(shorts) == 1 else "hybrid"


def _weight_precision(raw, path, name):
    precision = raw.get("weight_precision")
    if precision is not None and (not isinstance(precision, str) or precision not in WEIGHT_PRECISIONS):
        raise InputError("%s: deve ser um de %s" % (_where(path, name, "weight_precision"),
                                                    ", ".join(sorted(WEIGHT_PRECISIONS))))
    return precision


def _aliases(raw, path, name):
    aliases = raw.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a for a in aliases):
        raise InputError("%s: deve ser uma lista de nomes" % _where(path, name, "aliases"))
    return aliases


def _model_weights(raw, path, name):
    """Weight footprint of one model instance: bytes on disk, or parameters x precision."""
    precision = _weight_precision(raw, path, name) or "bf16"
    if raw.get("weights_bytes") is not None:
        size = require_positive_int(raw, "weights_bytes", path, name)
        return {"weights_bytes": size,
                "formula": "weights_bytes (tamanho do checkpoint) = %d bytes" % size}
    if raw.get("total_parameters") is not None:
        params = require_positive_int(raw, "total_parameters", path, name)
        per_param = WEIGHT_PRECISIONS[precision]
        size = int(cdiv(params * per_param, 1))
        return {"weights_bytes": size,
                "formula": "total_parameters × bytes por parâmetro (%s) = %d × %s = %d bytes"
                           % (precision, params, _plain(per_param), size)}
    return None


def load_models(path):
    catalog = load_catalog(path, "modelos")
    names = {name: name for name in catalog}
    for name, entry in catalog.items():
        for alias in _aliases(entry, path, name):
            if alias in names:
                raise InputError("%s: nome '%s' repetido" % (_where(path, name, "aliases"), alias))
            names[alias] = name
    return catalog, names


def resolve_model(options):
    """The model named by --model (catalog) or --model-config (HF config.json)."""
    if options["model_config"] is not None:
        path = options["model_config"]
        raw = load_json_file(path, allow_constants=True)
        if not isinstance(raw, dict):
            raise InputError("%s: o config deve ser um objeto JSON" % path)
        name = os.path.splitext(os.path.basename(path))[0]
        model = normalize_model(name, raw, path)
        if model["source"] is None:
            model["source"] = path
        return model
    path = options["models_file"]
    catalog, names = load_models(path)
    name = options["model"]
    if name not in names:
        raise InputError("--model: '%s' não existe em %s; nomes válidos: %s"
                         % (name, path, ", ".join(sorted(names))))
    model = normalize_model(names[name], catalog[names[name]], path)
    if name != names[name]:
        model["derivation"].insert(0, "'%s' é um alias de '%s'" % (name, names[name]))
    return model


def load_server(options):
    catalog = load_catalog(options["servers_file"], "servidores")
    servers = {name: validate_server(name, entry, options["servers_file"])
               for name, entry in catalog.items()}
    pick_entry(servers, options["server"], "--server", options["servers_file"])
    return servers[options["server"]]


def load_storage(options):
    catalog = load_catalog(options["storage_file"], "storage")
    profiles = {name: validate_storage(name, entry, options["storage_file"])
                for name, entry in catalog.items()}
    pick_entry(profiles, options["storage"], "--storage", options["storage_file"])
    return profiles[options["storage"]]


def load_inputs(options):
    """Validate every catalog (all entries, not only the chosen ones)."""
    if options["model_config"] is None:
        catalog, _ = load_models(options["models_file"])
        for name, entry in catalog.items():
            normalize_model(name, entry, options["models_file"])
    return resolve_model(options), load_server(options), load_storage(options)


# ---------------------------------------------------------------------------
# 4. Compute: figures with their rationale, scenarios, alerts, the report
# ---------------------------------------------------------------------------

def figure(key, label, value, unit, formula, inputs, explanation):
    """One computed number with the rationale built from the same variables."""
    return {"key": key, "label": label, "value": value, "unit": unit,
            "formula": formula, "inputs": inputs, "explanation": explanation}


def kv_per_session_figures(model, context_tokens, precision, tensor_parallel, accounting,
                           block_size, max_num_batched_tokens):
    """KV bytes one session holds on one model instance, under one accounting basis."""
    bytes_per_element = KV_PRECISIONS[precision][0]
    if model["kv_format"] == "mla":
        kv_factor = 1
        elements_per_token = model["mla_latent_dim"] * tensor_parallel
        elements_text = "%d × %d" % (model["mla_latent_dim"], tensor_parallel)
        elements_words = ("latente MLA (%d) × GPUs da instância que o replicam (%d)"
                          % (model["mla_latent_dim"], tensor_parallel))
        kv_heads_per_gpu = None
    else:
        kv_factor = 2
        kv_heads_per_gpu = cdiv(model["num_key_value_heads"], tensor_parallel)
        kv_heads_instance = kv_heads_per_gpu * tensor_parallel
        elements_per_token = kv_heads_instance * model["head_dim"]
        elements_text = "%d × %d" % (kv_heads_instance, model["head_dim"])
        elements_words = "KV heads na instância (%d) × head_dim (%d)" % (
            kv_heads_instance, model["head_dim"])
    token_terms = []
    tokens_total = 0
    for group in model["layer_groups"]:
        if accounting == "spec":
            tokens = group.spec_tokens(context_tokens)
            token_terms.append("%d × %s" % (group.count, group.spec_tokens_text(context_tokens)))
        else:
            blocks = group.vllm_blocks(context_tokens, block_size, max_num_batched_tokens)
            tokens = blocks * block_size
            token_terms.append("%d × %s × %d" % (group.count, group.vllm_blocks_text(
                context_tokens, block_size, max_num_batched_tokens), block_size))
        tokens_total += group.count * tokens
    kv_bytes = int(cdiv(kv_factor * tokens_total * elements_per_token * bytes_per_element, 1))
    factor_text = "2 × " if kv_factor == 2 else ""
    formula = "%s(%s) × %s × %s = %d bytes" % (
        factor_text, " + ".join(token_terms), elements_text, _plain(bytes_per_element), kv_bytes)
    inputs = {
        "model": model["name"],
        "num_hidden_layers": model["num_hidden_layers"],
        "layer_groups": ", ".join(g.describe() for g in model["layer_groups"]),
        "effective_context": context_tokens,
        "kv_precision": precision,
        "bytes_per_element": bytes_per_element,
        "tensor_parallel": tensor_parallel,
        "kv_accounting": accounting,
    }
    if kv_heads_per_gpu is not None:
        inputs["num_key_value_heads"] = model["num_key_value_heads"]
        inputs["kv_heads_per_gpu"] = kv_heads_per_gpu
        inputs["head_dim"] = model["head_dim"]
    else:
        inputs["mla_latent_dim"] = model["mla_latent_dim"]
    if accounting == "vllm":
        inputs["block_size"] = block_size
        inputs["max_num_batched_tokens"] = max_num_batched_tokens
    explanation = _kv_explanation(model, kv_factor, elements_words, tensor_parallel,
                                  kv_heads_per_gpu, accounting, kv_bytes)
    label_suffix = "" if accounting == "spec" else " (vLLM)"
    return [
        figure("kv_per_session_bytes", "KV por sessão" + label_suffix, kv_bytes, "bytes",
               formula, inputs, explanation),
        figure("kv_per_session_gib", "KV por sessão em GiB" + label_suffix,
               Fraction(kv_bytes, GIB_BYTES), "GiB",
               "kv_per_session_bytes / 2^30 = %d / %d = %s GiB"
               % (kv_bytes, GIB_BYTES, _fixed(Fraction(kv_bytes, GIB_BYTES), 4)),
               {"kv_per_session_bytes": kv_bytes},
               "Total de %s GiB de KV por sessão ativa, residentes na HBM enquanto a sessão dura."
               % _fixed(Fraction(kv_bytes, GIB_BYTES), 2)),
    ]


def _kv_explanation(model, kv_factor, elements_words, tensor_parallel, kv_heads_per_gpu,
                    accounting, kv_bytes):
    parts = []
    if kv_factor == 2:
        parts.append("O KV cache guarda os tensores Key e Value (fator 2) de cada token em cada "
                     "camada de atenção; elementos por token por camada = %s." % elements_words)
    else:
        parts.append("Com MLA cada token guarda um único vetor latente comprimido por camada "
                     "(sem fator 2 de K/V); elementos por token por camada = %s." % elements_words)
    parts.append("Camadas full guardam o contexto inteiro; sliding guardam só a janela; "
                 "chunked só o bloco corrente.")
    if kv_heads_per_gpu is not None and model["num_key_value_heads"] < tensor_parallel:
        parts.append("Com tensor parallel %d e só %d KV heads, cada GPU guarda ceil(%d/%d) = %d head: "
                     "os KV heads são replicados." % (tensor_parallel, model["num_key_value_heads"],
                                                       model["num_key_value_heads"],
                                                       tensor_parallel, kv_heads_per_gpu))
    if accounting == "vllm":
        parts.append("Base vLLM: blocos paginados; uma camada full reserva cdiv(T, bloco) blocos e uma "
                     "sliding reserva cdiv(min(janela - 1 + max_num_batched_tokens, T), bloco) + 1, "
                     "como o KV cache manager do vLLM v1.")
    parts.extend("Regra aplicada: %s." % rule for rule in model["derivation"])
    parts.append("Total de %s GiB por sessão ativa." % _fixed(Fraction(kv_bytes, GIB_BYTES), 2))
    return " ".join(parts)


def hbm_total_figure(server):
    hbm_gib = server["total_hbm_gb"] * GB_BYTES / GIB_BYTES
    return figure("hbm_total_gib", "HBM total por nó", hbm_gib, "GiB",
                  "total_hbm_gb × 10^9 / 2^30 = %s × 10^9 / 2^30 = %s GiB"
                  % (_plain(server["total_hbm_gb"]), _fixed(hbm_gib, 4)),
                  {"server": server["name"], "gpus": server["gpus"],
                   "hbm_per_gpu_gb": server["hbm_per_gpu_gb"], "total_hbm_gb": server["total_hbm_gb"]},
                  "Fabricantes medem HBM em GB (10^9 bytes); o runtime aloca em GiB (2^30 bytes). "
                  "%s GB = %s GiB." % (_plain(server["total_hbm_gb"]), _fixed(hbm_gib, 2)))


def weights_figures(model, instances_per_node):
    weights = model["weights"]
    if weights is None:
        return []
    per_instance = weights["weights_bytes"]
    per_node = per_instance * instances_per_node
    return [
        figure("weights_per_instance_gib", "Pesos por instância", Fraction(per_instance, GIB_BYTES),
               "GiB", "%s = %s GiB" % (weights["formula"], _fixed(Fraction(per_instance, GIB_BYTES), 2)),
               {"model": model["name"], "weights_bytes": per_instance},
               "Cada instância (grupo de tensor parallel) carrega uma cópia completa dos pesos, "
               "dividida entre as suas GPUs."),
        figure("weights_per_node_gib", "Pesos por nó", Fraction(per_node, GIB_BYTES), "GiB",
               "instances_per_node × weights_per_instance = %d × %s = %s GiB"
               % (instances_per_node, _fixed(Fraction(per_instance, GIB_BYTES), 2),
                  _fixed(Fraction(per_node, GIB_BYTES), 2)),
               {"instances_per_node": instances_per_node, "weights_per_instance_bytes": per_instance},
               "Os pesos de todas as instâncias do nó precisam caber no overhead de runtime."),
    ]


def scenario_parameters(scenario, options):
    headroom = options["peak_headroom_ratio"] if scenario["use_headroom"] else Fraction(0)
    if scenario["headroom_floor"] is not None:
        headroom = max(headroom, scenario["headroom_floor"])
    ratio = options["kv_budget_ratio"]
    if scenario["budget_cap"] is not None:
        ratio = min(ratio, scenario["budget_cap"])
    return {"peak_headroom_ratio": headroom, "ha_extra_nodes": scenario["ha_extra_nodes"],
            "kv_budget_ratio": ratio}


def sessions_per_node(budget_bytes, kv_bytes, instances, cap):
    """Sessions one node admits: whole sessions per instance, times instances."""
    if budget_bytes <= 0:
        return 0, 0, False
    per_instance = int((budget_bytes / instances) // kv_bytes)
    capped = cap is not None and per_instance > cap
    if capped:
        per_instance = cap
    return per_instance * instances, per_instance, capped


def scenario_figures(scenario, params, options, hbm, kv_by_basis, basis, instances, perf):
    """Budget, sessions, nodes and performance for one scenario, each with its rationale."""
    budget = budget_figure(params, options, hbm)
    sessions, capacity = sessions_figures(params, options, budget["value"], kv_by_basis, basis,
                                          instances, perf)
    nodes = nodes_figures(scenario, params, options["concurrency"], capacity["sessions"])
    figures = [budget] + sessions + nodes
    if perf["facts"] is not None:
        figures.extend(performance_figures(
            scenario, perf["facts"], perf["storage"], perf["model"], kv_by_basis[basis][0]["value"],
            instances, capacity["per_instance"], options["concurrency"], _find(nodes, "nodes_final"),
            perf["ttft_s"]))
    return figures, capacity


def budget_figure(params, options, hbm):
    overhead = options["runtime_overhead_gib"]
    ratio = params["kv_budget_ratio"]
    budget_gib = (hbm["value"] - overhead) * ratio
    return figure(
        "kv_budget_gib", "Budget de KV por nó", budget_gib, "GiB",
        "(hbm_total_gib - runtime_overhead_gib) × kv_budget_ratio = (%s - %s) × %s = %s GiB"
        % (_fixed(hbm["value"], 4), _plain(overhead), _plain(ratio), _fixed(budget_gib, 4)),
        {"hbm_total_gib": hbm["value"], "runtime_overhead_gib": overhead, "kv_budget_ratio": ratio},
        "Da HBM do nó sai primeiro o overhead de runtime (pesos, ativações, grafos); do restante, "
        "%s%% ficam para o KV cache e o resto é folga contra fragmentação." % _plain(ratio * 100))


def sessions_figures(params, options, budget_gib, kv_by_basis, basis, instances, perf):
    """Sessions per node: memory under both bases, then the latency targets if any."""
    budget_bytes = budget_gib * GIB_BYTES
    counts = {}
    for name in ("spec", "vllm"):
        cap = options["max_num_seqs"] if name == "vllm" else None
        counts[name] = sessions_per_node(budget_bytes, kv_by_basis[name][0]["value"], instances, cap)
    memory_sessions, memory_per_instance, capped = counts[basis]
    kv_gib = kv_by_basis[basis][1]["value"]
    if instances == 1:
        expression = "floor(kv_budget_gib / kv_per_session_gib) = floor(%s / %s)" % (
            _fixed(budget_gib, 4), _fixed(kv_gib, 4))
    else:
        expression = ("instances_per_node × floor(kv_budget_gib / instances_per_node / "
                      "kv_per_session_gib) = %d × floor(%s / %d / %s)"
                      % (instances, _fixed(budget_gib, 4), instances, _fixed(kv_gib, 4)))
    if basis == "vllm":
        expression = "%s, limitado a max_num_seqs %d por instância" % (expression, options["max_num_seqs"])
    if budget_bytes <= 0:
        expression += " (budget <= 0)"
    explanation = ("Só sessões inteiras cabem: o budget de KV dividido pelo KV de uma sessão, "
                   "arredondado para baixo.")
    if instances > 1:
        explanation += (" Cada uma das %d instâncias do nó tem 1/%d do budget e a sua própria contagem."
                        % (instances, instances))
    if capped:
        explanation += (" O limite max_num_seqs (%d) é menor que a memória permite e define a "
                        "capacidade." % options["max_num_seqs"])
    memory = figure("sessions_per_node", "Sessões por nó", memory_sessions, "sessões",
                    "%s = %d" % (expression, memory_sessions),
                    {"kv_budget_gib": budget_gib, "kv_per_session_gib": kv_gib,
                     "instances_per_node": instances, "capacity_basis": basis}, explanation)

    caps = latency_caps_per_instance(options, perf, kv_by_basis[basis][0]["value"], memory_per_instance)
    per_instance, bound = memory_per_instance, "memória"
    if caps and min(caps.values()) < memory_per_instance:
        bound = "latência (%s)" % ", ".join(k for k, v in caps.items() if v < memory_per_instance)
        per_instance = min(caps.values())
    figures = [memory]
    if caps:
        memory["key"], memory["label"] = "sessions_per_node_memory", "Sessões por nó pela memória"
        caps_text = ", ".join("%s %d" % (k, v) if v < memory_per_instance else "%s não limita" % k
                              for k, v in caps.items())
        figures.append(figure(
            "sessions_per_node", "Sessões por nó", per_instance * instances, "sessões",
            "instances_per_node × min(memória %d, %s) por instância = %d"
            % (memory_per_instance, caps_text, per_instance * instances),
            {"sessions_per_node_memory": memory_sessions, "instances_per_node": instances,
             "tpot_slo_ms": options["tpot_slo_ms"], "ttft_slo_ms": options["ttft_slo_ms"],
             "binding_bound": bound},
            "Com metas de latência, cada instância admite o menor entre o que a memória comporta e o "
            "que mantém TPOT/TTFT dentro das metas. Limite que prende: %s." % bound))
    other = "vllm" if basis == "spec" else "spec"
    figures.append(figure(
        "sessions_per_node_" + other, "Sessões por nó na base %s" % other, counts[other][0], "sessões",
        "mesma conta com o KV por sessão da base %s (%s GiB) = %d"
        % (other, _fixed(kv_by_basis[other][1]["value"], 4), counts[other][0]),
        {"kv_per_session_bytes": kv_by_basis[other][0]["value"], "capacity_basis": other},
        "Comparação: o que a outra base de contabilidade admitiria com as mesmas entradas, pela "
        "memória. Não altera a contagem de nós."))
    capacity = {"sessions": per_instance * instances, "per_instance": per_instance, "capped": capped,
                "counts": counts, "bound": bound}
    return figures, capacity


def nodes_figures(scenario, params, concurrency, sessions):
    headroom = params["peak_headroom_ratio"]
    ha = params["ha_extra_nodes"]
    if sessions == 0:
        nodes_capacity = nodes_headroom = nodes_final = None
        note = " Nenhuma sessão cabe em um nó: não há contagem de nós possível."
        capacity_text = headroom_text = final_text = "indefinido (0 sessões por nó)"
    else:
        nodes_capacity = int(cdiv(Fraction(concurrency), sessions))
        nodes_headroom = int(cdiv(concurrency * (1 + headroom), sessions))
        nodes_final = nodes_headroom + ha
        note = ""
        capacity_text = "ceil(%d / %d) = %d" % (concurrency, sessions, nodes_capacity)
        headroom_text = "ceil(%d × (1 + %s) / %d) = %d" % (
            concurrency, _plain(headroom), sessions, nodes_headroom)
        final_text = "%d + %d = %d" % (nodes_headroom, ha, nodes_final)
    return [
        figure("nodes_capacity", "Nós por capacidade", nodes_capacity, "nós",
               "ceil(concurrency / sessions_per_node) = " + capacity_text,
               {"concurrency": concurrency, "sessions_per_node": sessions},
               "Nós necessários só para a concorrência nominal, sem folga nem reserva." + note),
        figure("nodes_with_headroom", "Nós com headroom", nodes_headroom, "nós",
               "ceil(concurrency × (1 + peak_headroom_ratio) / sessions_per_node) = " + headroom_text,
               {"concurrency": concurrency, "peak_headroom_ratio": headroom, "sessions_per_node": sessions},
               "Nós para a concorrência acrescida de %s%% de folga para picos." % _plain(headroom * 100)
               + note),
        figure("nodes_final", "Nós finais", nodes_final, "nós",
               "nodes_with_headroom + ha_extra_nodes = " + final_text,
               {"nodes_with_headroom": nodes_headroom, "ha_extra_nodes": ha},
               "Nós a comprar: os nós com headroom mais %d de reserva (%s)." % (ha, scenario["ha_label"])
               + note),
    ]


def latency_caps_per_instance(options, perf, kv_bytes, memory_per_instance):
    """Sessions per instance that keep the latency targets (only when targets are given)."""
    caps = {}
    if perf["facts"] is None:
        return caps
    if options["tpot_slo_ms"] is not None:
        caps["TPOT"] = max_batch_within_tpot(perf["facts"], kv_bytes, options["tpot_slo_ms"] / 1000,
                                             memory_per_instance)
    if options["ttft_slo_ms"] is not None:
        caps["TTFT"] = memory_per_instance if perf["ttft_s"] * 1000 <= options["ttft_slo_ms"] else 0
    return caps


# -- Performance: decode roofline, prefill, storage, traffic ----------------
#
# A roofline is a lower bound on time: it assumes the GPU streams bytes at
# `hbm_efficiency` of peak bandwidth and computes at `mfu` of dense peak, with
# no scheduling, communication or kernel-launch overhead. Real engines are
# slower; measured numbers always win.

def traffic_figure(options):
    """Little's law: concurrency = ceil(requests/s x mean session seconds)."""
    rate, seconds = options["requests_per_second"], options["mean_session_seconds"]
    if rate is None:
        return None
    return figure("concurrency", "Concorrência pela lei de Little", options["concurrency"], "sessões",
                  "ceil(requests_per_second × mean_session_seconds) = ceil(%s × %s) = %d"
                  % (_plain(rate), _plain(seconds), options["concurrency"]),
                  {"requests_per_second": rate, "mean_session_seconds": seconds},
                  "Lei de Little: sessões simultâneas em média = taxa de chegada × tempo médio de "
                  "sessão, arredondado para cima para contar sessões inteiras.")


def roofline_facts(model, server, tensor_parallel, options):
    """What the roofline needs, as exact numbers; None when a fact is missing."""
    missing = [f for f in ("hbm_bandwidth_tb_s", "bf16_dense_tflops", "fp8_dense_tflops")
               if server.get(f) is None]
    missing += [f for f in ("total_parameters", "active_parameters") if model.get(f) is None]
    if model["weights"] is None:
        missing.append("weights_bytes")
    if missing:
        return None, missing
    weights = model["weights"]["weights_bytes"]
    total, active = model["total_parameters"], model["active_parameters"]
    experts, per_token = model.get("num_local_experts"), model.get("num_experts_per_tok")
    expert_bytes = Fraction(0)
    if experts and per_token and experts > per_token and total > active:
        # active = dense + experts_total x k/E  =>  experts_total = (total - active) x E / (E - k)
        expert_params = Fraction(total - active) * experts / (experts - per_token)
        expert_bytes = weights * expert_params / total
    low_precision = (model.get("weight_precision") or "bf16") in ("fp8", "int8", "int4", "mxfp4", "nvfp4")
    flops_field = "fp8_dense_tflops" if low_precision else "bf16_dense_tflops"
    return {
        "weights_bytes": weights, "expert_bytes": expert_bytes, "dense_bytes": weights - expert_bytes,
        "experts": experts, "experts_per_token": per_token, "active_parameters": active,
        "bandwidth_bytes_s": tensor_parallel * server["hbm_bandwidth_tb_s"] * 10 ** 12
                             * options["hbm_efficiency"],
        "flops_field": flops_field,
        "flops_s": tensor_parallel * server[flops_field] * 10 ** 12 * options["mfu"],
        "tensor_parallel": tensor_parallel,
    }, []


def decode_step_bytes(facts, batch, kv_bytes):
    """Bytes one decode step reads: dense weights, experts the batch touches, every session's KV."""
    touched = Fraction(0)
    if facts["expert_bytes"]:
        untouched_one = 1 - Fraction(facts["experts_per_token"], facts["experts"])
        if batch <= EXACT_EXPERT_BATCH:
            untouched = untouched_one ** batch
        else:
            # Exact powers of huge batches are huge integers; the untouched share is
            # already below untouched_one^4096 here, so a float is more than enough.
            untouched = Fraction(float(untouched_one) ** batch)
        touched = 1 - untouched
    return facts["dense_bytes"] + facts["expert_bytes"] * touched + batch * kv_bytes


def tpot_seconds(facts, batch, kv_bytes):
    return decode_step_bytes(facts, batch, kv_bytes) / facts["bandwidth_bytes_s"]


def max_batch_within_tpot(facts, kv_bytes, slo_seconds, upper):
    """Largest batch (0..upper) whose TPOT meets the target; TPOT grows with the batch."""
    low, high = 0, upper
    while low < high:
        middle = (low + high + 1) // 2
        if tpot_seconds(facts, middle, kv_bytes) <= slo_seconds:
            low = middle
        else:
            high = middle - 1
    return low


def prefill_flops(model, facts, tokens):
    """2 x active parameters x tokens, plus QK^T and AV: 4 x heads x head_dim per attended pair."""
    attention = sum(g.count * g.attended_pairs(tokens) for g in model["layer_groups"])
    return (2 * facts["active_parameters"] * tokens
            + 4 * model["num_attention_heads"] * model["head_dim"] * attention), attention


def ttft_figure(model, facts, tokens):
    flops, attention = prefill_flops(model, facts, tokens)
    seconds = Fraction(flops) / facts["flops_s"]
    return figure("ttft_full_context_s", "TTFT de um prompt com o contexto inteiro", seconds, "s",
                  "(2 × %d × %d + 4 × %d × %d × %d) / %s FLOP/s = %s s"
                  % (facts["active_parameters"], tokens, model["num_attention_heads"], model["head_dim"],
                     attention, _sci(facts["flops_s"]), _fixed(seconds, 3)),
                  {"active_parameters": facts["active_parameters"], "prompt_tokens": tokens,
                   "attended_pairs": attention, "instance_flops_s": facts["flops_s"],
                   "flops_basis": facts["flops_field"]},
                  "Prefill limitado por computação: 2 FLOPs por parâmetro ativo por token, mais a "
                  "atenção causal (pares query-key atendidos em cada camada), divididos pelos FLOPS "
                  "densos da instância × MFU. Limite inferior: sem fila, sem comunicação.")


def restore_seconds(storage, total_bytes, readers=1):
    """p99 read latency + bytes / (read throughput x nodes reading in parallel)."""
    return (storage["read_latency_p99_ms"] / 1000
            + Fraction(total_bytes) / (storage["read_throughput_gb_s"] * GB_BYTES * readers))


def storage_figures(model, storage, instances, kv_bytes):
    read_bytes_s = storage["read_throughput_gb_s"] * GB_BYTES
    figures = []
    if model["weights"] is not None:
        node_weights = model["weights"]["weights_bytes"] * instances
        load_s = node_weights / read_bytes_s
        figures.append(figure(
            "weights_load_s", "Carga dos pesos num cold start", load_s, "s",
            "pesos do nó / throughput de leitura = %d bytes / %s GB/s = %s s"
            % (node_weights, _plain(storage["read_throughput_gb_s"]), _fixed(load_s, 3)),
            {"weights_per_node_bytes": node_weights, "read_throughput_gb_s": storage["read_throughput_gb_s"]},
            "Tempo mínimo para ler do storage os pesos de todas as instâncias do nó."))
    restore_s = restore_seconds(storage, kv_bytes)
    figures.append(figure(
        "kv_restore_session_s", "Restauração do KV de uma sessão", restore_s, "s",
        "latência p99 + kv_per_session_bytes / throughput = %s ms + %d / %s GB/s = %s s"
        % (_plain(storage["read_latency_p99_ms"]), kv_bytes, _plain(storage["read_throughput_gb_s"]),
           _fixed(restore_s, 3)),
        {"kv_per_session_bytes": kv_bytes, "read_throughput_gb_s": storage["read_throughput_gb_s"],
         "read_latency_p99_ms": storage["read_latency_p99_ms"]},
        "Tempo para trazer de volta do storage o KV de uma sessão (offload ou failover)."))
    rate = read_bytes_s / kv_bytes
    figures.append(figure(
        "sessions_restored_per_s", "Sessões restauráveis por segundo por nó", rate, "sessões/s",
        "throughput / kv_per_session_bytes = %s GB/s / %d bytes = %s"
        % (_plain(storage["read_throughput_gb_s"]), kv_bytes, _fixed(rate, 2)),
        {"read_throughput_gb_s": storage["read_throughput_gb_s"], "kv_per_session_bytes": kv_bytes},
        "Com leituras em paralelo a latência se sobrepõe e o throughput de leitura é o limite."))
    return figures


def performance_figures(scenario, facts, storage, model, kv_bytes, instances, per_instance,
                        concurrency, nodes_final, ttft_s):
    """Decode roofline at full and actual load, and failover, for one scenario."""
    if per_instance == 0 or nodes_final is None:
        return []
    figures = []
    load_per_instance = min(per_instance, cdiv(concurrency, nodes_final * instances))
    for suffix, batch, words in (("full", per_instance, "nó cheio (%d sessões por instância)"),
                                 ("load", load_per_instance, "carga do cenário (%d sessões por instância)")):
        step = decode_step_bytes(facts, batch, kv_bytes)
        seconds = step / facts["bandwidth_bytes_s"]
        figures.append(figure(
            "tpot_%s_ms" % suffix, "TPOT, " + words % batch, seconds * 1000, "ms",
            "bytes lidos por passo / banda efetiva = %s bytes / %s B/s = %s ms"
            % (_fixed(step, 0), _sci(facts["bandwidth_bytes_s"]), _fixed(seconds * 1000, 2)),
            {"batch_per_instance": batch, "dense_weight_bytes": facts["dense_bytes"],
             "expert_weight_bytes": facts["expert_bytes"], "experts": facts["experts"],
             "experts_per_token": facts["experts_per_token"], "kv_per_session_bytes": kv_bytes,
             "instance_bandwidth_bytes_s": facts["bandwidth_bytes_s"]},
            "Cada passo de decode lê uma vez os pesos densos, os experts que o lote toca "
            "(E × (1 - (1 - k/E)^lote) por camada) e o KV de cada sessão em execução. "
            "Limite inferior do tempo por token."))
        figures.append(figure(
            "tokens_per_s_session_%s" % suffix, "Tokens/s por sessão, " + words % batch, 1 / seconds,
            "tokens/s", "1 / TPOT = 1 / %s s = %s" % (_fixed(seconds, 5), _fixed(1 / seconds, 1)),
            {"tpot_s": seconds}, "Velocidade de geração vista por cada usuário."))
        figures.append(figure(
            "tokens_per_s_node_%s" % suffix, "Tokens/s por nó, " + words % batch,
            instances * batch / seconds, "tokens/s",
            "instâncias × lote / TPOT = %d × %d / %s s = %s"
            % (instances, batch, _fixed(seconds, 5), _fixed(instances * batch / seconds, 1)),
            {"instances_per_node": instances, "batch_per_instance": batch, "tpot_s": seconds},
            "Vazão de saída do nó inteiro."))
    failed = load_per_instance * instances
    receivers = scenario["ha_extra_nodes"] or nodes_final - 1
    if receivers:
        restore = restore_seconds(storage, failed * kv_bytes, receivers)
        recompute = failed * ttft_s / (receivers * instances)
    else:
        restore = recompute = None
    figures.append(figure(
        "failover_restore_s", "Failover: restaurar do storage as sessões de um nó", restore, "s",
        ("latência p99 + sessões × KV / (throughput × nós que assumem) = %s ms + %d × %d / (%s GB/s × %d) = %s s"
         % (_plain(storage["read_latency_p99_ms"]), failed, kv_bytes, _plain(storage["read_throughput_gb_s"]),
            receivers, _fixed(restore, 3))) if receivers else "nenhum nó para assumir (1 nó, sem reserva)",
        {"failed_node_sessions": failed, "receiving_nodes": receivers, "kv_per_session_bytes": kv_bytes},
        "Tempo para os nós que assumem (reservas de HA, ou os nós restantes sem HA) lerem do storage o "
        "KV das sessões do nó que falhou, lendo em paralelo."))
    figures.append(figure(
        "failover_recompute_s", "Failover: recomputar o prefill dessas sessões", recompute, "s",
        ("sessões × TTFT / (nós que assumem × instâncias) = %d × %s s / (%d × %d) = %s s"
         % (failed, _fixed(ttft_s, 3), receivers, instances, _fixed(recompute, 3))) if receivers
        else "nenhum nó para assumir (1 nó, sem reserva)",
        {"failed_node_sessions": failed, "receiving_nodes": receivers, "ttft_full_context_s": ttft_s},
        "Alternativa à restauração: refazer o prefill de cada sessão com o contexto inteiro."))
    return figures


def build_report(options, model, server, storage):
    """Every number of the sizing, as plain data. Pure: no I/O."""
    requested = options["effective_context"]
    context_tokens = min(requested, model["max_position_embeddings"])
    gpus = server["gpus"]
    tensor_parallel = options["tensor_parallel"] or gpus
    if gpus % tensor_parallel:
        raise InputError("--tensor-parallel: %d não divide as %d GPUs do servidor '%s'"
                         % (tensor_parallel, gpus, server["name"]))
    instances = gpus // tensor_parallel
    basis = options["kv_accounting"]
    kv_by_basis = {name: kv_per_session_figures(
        model, context_tokens, options["kv_precision"], tensor_parallel, name,
        options["block_size"], options["max_num_batched_tokens"]) for name in ("spec", "vllm")}
    hbm = hbm_total_figure(server)
    common = kv_by_basis[basis] + [hbm] + weights_figures(model, instances)
    traffic = traffic_figure(options)
    if traffic is not None:
        common.insert(0, traffic)
    facts, missing = roofline_facts(model, server, tensor_parallel, options)
    if facts is None and (options["tpot_slo_ms"] is not None or options["ttft_slo_ms"] is not None):
        raise InputError("--tpot-slo-ms/--ttft-slo-ms: faltam dados para o roofline: %s"
                         % ", ".join(missing))
    perf = {"facts": facts, "storage": storage, "model": model, "ttft_s": None}
    kv_bytes = kv_by_basis[basis][0]["value"]
    if facts is not None:
        ttft = ttft_figure(model, facts, context_tokens)
        perf["ttft_s"] = ttft["value"]
        common.append(ttft)
    common.extend(storage_figures(model, storage, instances, kv_bytes))

    scenarios = {}
    capacity = {}
    for scenario in SCENARIOS:
        params = scenario_parameters(scenario, options)
        figures, capacity[scenario["key"]] = scenario_figures(
            scenario, params, options, hbm, kv_by_basis, basis, instances, perf)
        scenarios[scenario["key"]] = {"label": scenario["label"], "usage": scenario["usage"],
                                      "ha_label": scenario["ha_label"], "parameters": params,
                                      "figures": figures}

    inputs = {
        "model": model["name"], "server": server["name"], "storage": storage["name"],
        "concurrency": options["concurrency"],
        "effective_context": context_tokens, "effective_context_requested": requested,
        "kv_precision": options["kv_precision"],
        "kv_bytes_per_element": KV_PRECISIONS[options["kv_precision"]][0],
        "kv_budget_ratio": options["kv_budget_ratio"],
        "runtime_overhead_gib": options["runtime_overhead_gib"],
        "peak_headroom_ratio": options["peak_headroom_ratio"],
        "kv_accounting": basis, "tensor_parallel": tensor_parallel,
        "instances_per_node": instances, "block_size": options["block_size"],
        "max_num_batched_tokens": options["max_num_batched_tokens"],
        "max_num_seqs": options["max_num_seqs"],
        "requests_per_second": options["requests_per_second"],
        "mean_session_seconds": options["mean_session_seconds"],
        "hbm_efficiency": options["hbm_efficiency"], "mfu": options["mfu"],
        "tpot_slo_ms": options["tpot_slo_ms"], "ttft_slo_ms": options["ttft_slo_ms"],
        "roofline_missing_facts": missing,
        "model_details": model_view(model), "server_details": server, "storage_details": storage,
    }
    report = {"schema_version": SCHEMA_VERSION, "tool": {"name": "sizing", "version": __version__},
              "inputs": inputs, "common": common, "scenarios": scenarios}
    report["alerts"] = build_alerts(report, model, server, capacity, kv_by_basis)
    return report


def model_view(model):
    """The normalized model as plain data (layer objects described)."""
    view = {key: value for key, value in model.items() if key != "layer_groups"}
    view["layer_groups"] = [
        {"kind": g.kind, "count": g.count, "window": getattr(g, "window", None),
         "chunk": getattr(g, "chunk", None)} for g in model["layer_groups"]]
    view["attention_description"] = attention_description(model)
    return view


def attention_description(model):
    groups = " + ".join(g.describe() for g in model["layer_groups"])
    if model["kv_format"] == "mla":
        return "mla (%s, latente %d)" % (groups, model["mla_latent_dim"])
    return "%s (%s)" % (model["attention_pattern"], groups)


def build_alerts(report, model, server, capacity, kv_by_basis):
    inputs = report["inputs"]
    alerts = []

    def alert(level, code, message):
        alerts.append({"level": level, "code": code, "message": message})

    if inputs["effective_context_requested"] > inputs["effective_context"]:
        alert("warning", "context_clamped",
              "Contexto solicitado (%d tokens) maior que max_position_embeddings do modelo (%d): "
              "limitado a %d tokens." % (inputs["effective_context_requested"],
                                         model["max_position_embeddings"], inputs["effective_context"]))
    precision = inputs["kv_precision"]
    if precision in HIGH_KV_PRECISIONS:
        factor = KV_PRECISIONS[precision][0] / KV_PRECISIONS["fp8"][0]
        alert("warning", "kv_precision_high",
              "Precisão KV %s usa %s bytes por elemento: %sx a memória de KV de fp8, logo %sx menos "
              "sessões por nó. Use fp8 se a qualidade permitir." % (
                  precision, _plain(KV_PRECISIONS[precision][0]), _plain(factor), _plain(factor)))
    recommended_figures = report["common"] + report["scenarios"]["recommended"]["figures"]
    failover_s = _find(recommended_figures, "failover_restore_s")
    if inputs["effective_context"] > LONG_CONTEXT_TOKENS:
        kv_gib = kv_by_basis[inputs["kv_accounting"]][1]["value"]
        message = ("Contexto efetivo de %d tokens (> %d): cada sessão carrega %s GiB de KV; restaurar uma "
                   "sessão do storage '%s' leva %s s (%s sessões/s por nó)"
                   % (inputs["effective_context"], LONG_CONTEXT_TOKENS, _fixed(kv_gib, 2), inputs["storage"],
                      _fixed(_find(recommended_figures, "kv_restore_session_s"), 3),
                      _fixed(_find(recommended_figures, "sessions_restored_per_s"), 2)))
        if failover_s is not None:
            message += "; no RECOMENDADO, as sessões de um nó que falha voltam em %s s" % _fixed(failover_s, 1)
        alert("warning", "long_context_storage_io", message + ".")
    if failover_s is not None and failover_s > FAILOVER_RESTORE_LIMIT_S:
        alert("warning", "failover_restore_slow",
              "No RECOMENDADO, restaurar do storage '%s' as sessões de um nó que falhou leva %s s, acima "
              "do limite de %d s; compare com recomputar o prefill (%s s) ou use um storage mais rápido."
              % (inputs["storage"], _fixed(failover_s, 1), FAILOVER_RESTORE_LIMIT_S,
                 _fixed(_find(recommended_figures, "failover_recompute_s"), 1)))
    tpot_ms = _find(recommended_figures, "tpot_full_ms")
    ttft_s = _find(recommended_figures, "ttft_full_context_s")
    if inputs["roofline_missing_facts"]:
        alert("info", "latency_unknown",
              "Sem latência estimada: faltam %s." % ", ".join(inputs["roofline_missing_facts"]))
    elif inputs["tpot_slo_ms"] is None and inputs["ttft_slo_ms"] is None and (
            (tpot_ms is not None and tpot_ms > UNUSABLE_TPOT_MS) or ttft_s > UNUSABLE_TTFT_S):
        alert("warning", "latency_unusable",
              "Com o nó cheio (RECOMENDADO) o roofline dá TPOT de %s ms (limite %d ms, ou seja, menos de "
              "%d tokens/s por sessão) e TTFT de %s s para um prompt com o contexto inteiro (limite %d s). "
              "Use --tpot-slo-ms/--ttft-slo-ms para dimensionar pela latência."
              % (_fixed(tpot_ms, 1) if tpot_ms is not None else "—", UNUSABLE_TPOT_MS,
                 1000 // UNUSABLE_TPOT_MS, _fixed(ttft_s, 2), UNUSABLE_TTFT_S))
    binding = capacity["recommended"]["bound"]
    if binding != "memória":
        alert("info", "latency_bound",
              "No RECOMENDADO as sessões por nó são limitadas pela %s, não pela memória." % binding)
    if inputs["kv_budget_ratio"] > FRAGMENTATION_BUDGET_RATIO:
        alert("warning", "kv_budget_fragmentation",
              "kv_budget_ratio %s acima de %s: risco de fragmentação e de falta de memória para "
              "ativações." % (_plain(inputs["kv_budget_ratio"]), _plain(FRAGMENTATION_BUDGET_RATIO)))
    if inputs["runtime_overhead_gib"] < LOW_RUNTIME_OVERHEAD_GIB:
        alert("warning", "runtime_overhead_low",
              "runtime_overhead_gib %s abaixo de %s GiB: provavelmente subestimado (pesos, ativações, "
              "grafos CUDA)." % (_plain(inputs["runtime_overhead_gib"]), _plain(LOW_RUNTIME_OVERHEAD_GIB)))
    weights_gib = _find(report["common"], "weights_per_node_gib")
    if weights_gib is not None and inputs["runtime_overhead_gib"] < weights_gib:
        alert("error", "runtime_overhead_below_weights",
              "runtime_overhead_gib %s não comporta nem os pesos de %s no nó (%s GiB): aumente "
              "--runtime-overhead-gib%s."
              % (_plain(inputs["runtime_overhead_gib"]),
                 _count(inputs["instances_per_node"], "instância", "instâncias"),
                 _fixed(weights_gib, 2),
                 " ou reduza as instâncias por nó com um --tensor-parallel maior"
                 if inputs["instances_per_node"] > 1 else ""))
    elif weights_gib is None:
        alert("info", "weights_unknown",
              "O modelo não informa o tamanho dos pesos: não foi possível verificar se cabem no "
              "overhead de runtime.")
    for scenario in SCENARIOS:
        result = capacity[scenario["key"]]
        if result["sessions"] == 0:
            if result["bound"] == "memória":
                cause = ("KV por sessão de %s GiB maior que o budget de KV. Reduza o contexto, use fp8 ou "
                         "um servidor com mais HBM" % _fixed(kv_by_basis[inputs["kv_accounting"]][1]["value"], 2))
            else:
                cause = ("a memória comporta sessões, mas a meta de %s não é atingida nem com uma. Relaxe a "
                         "meta, reduza o contexto ou aumente o --tensor-parallel" % result["bound"])
            alert("error", "no_session_fits",
                  "Cenário %s: nenhuma sessão cabe em um nó (%s)." % (scenario["label"], cause))
    recommended = capacity["recommended"]
    if recommended["capped"]:
        alert("warning", "max_num_seqs_binding",
              "max_num_seqs (%d) limita as sessões por instância abaixo do que a memória admite."
              % inputs["max_num_seqs"])
    spec_count = recommended["counts"]["spec"][0]
    vllm_count = recommended["counts"]["vllm"][0]
    low, high = sorted((spec_count, vllm_count))
    if high and (low == 0 or Fraction(high, low) > ACCOUNTING_GAP_RATIO):
        alert("warning", "accounting_gap",
              "As bases de contabilidade divergem mais de 10%% (cenário RECOMENDADO): %d sessões por nó "
              "pela fórmula do guia (spec) e %d pelo KV cache manager do vLLM. Base usada: %s."
              % (spec_count, vllm_count, inputs["kv_accounting"]))
    return alerts


def _find(figures, key):
    for item in figures:
        if item["key"] == key:
            return item["value"]
    return None


def exit_status(report):
    return 1 if any(a["level"] == "error" for a in report["alerts"]) else 0


# ---------------------------------------------------------------------------
# 5. Display: rounding happens here and only here
# ---------------------------------------------------------------------------

def _fixed(value, places):
    """Round an exact number half-to-even to `places` decimals, for display."""
    scaled = round(Fraction(value) * 10 ** places)
    sign = "-" if scaled < 0 else ""
    digits = str(abs(scaled)).rjust(places + 1, "0")
    if not places:
        return sign + digits
    return "%s%s.%s" % (sign, digits[:-places], digits[-places:])


def _plain(value):
    """Shortest faithful decimal: exact when it has up to 6 decimals."""
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    text = _fixed(value, 6).rstrip("0").rstrip(".")
    return text


def _or_dash(value):
    return "—" if value is None else str(value)


def _percent(ratio):
    return _plain(Fraction(ratio) * 100) + "%"


def _count(value, singular, plural):
    if value is None:
        return "—"
    return "%d %s" % (value, singular if value == 1 else plural)


UNIT_PLACES = {"GiB": 2, "s": 3, "ms": 2, "tokens/s": 1, "sessões/s": 2}


def _sci(value):
    """Scientific notation with 4 significant digits, from the exact value (no float underflow)."""
    value = Fraction(value)
    if value == 0:
        return "0.000e+00"
    sign, value = ("-" if value < 0 else ""), abs(value)
    exponent = len(str(value.numerator)) - len(str(value.denominator))
    mantissa = value / Fraction(10) ** exponent
    while mantissa >= 10:
        mantissa, exponent = mantissa / 10, exponent + 1
    while mantissa < 1:
        mantissa, exponent = mantissa * 10, exponent - 1
    digits = _fixed(mantissa, 3)
    if digits == "10.000":
        digits, exponent = "1.000", exponent + 1
    return "%s%se%+03d" % (sign, digits, exponent)


def format_value(value, unit):
    """A figure's value with its unit, rounded for display."""
    if value is None:
        return "— (não se aplica)" if unit in UNIT_PLACES else "— (nenhuma sessão cabe)"
    if unit in UNIT_PLACES:
        return "%s %s" % (_fixed(value, UNIT_PLACES[unit]), unit)
    if unit == "bytes":
        return "%d bytes" % value
    if unit == "nós":
        return _count(value, "nó", "nós")
    if unit == "sessões":
        return _count(value, "sessão", "sessões")
    return "%s %s" % (_plain(value) if isinstance(value, (int, Fraction)) else value, unit)


def format_input(value):
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, (int, Fraction)):
        return _plain(value)
    return str(value)


def summary_line(report, key):
    """The guide's one-line answer per scenario, e.g. 'MÍNIMO: 2 nós (sem HA, sem headroom)'."""
    scenario = report["scenarios"][key]
    spec = [s for s in SCENARIOS if s["key"] == key][0]
    params = scenario["parameters"]
    nodes = _result(scenario, "nodes_final")
    if nodes is None:
        return "%s: nenhuma sessão cabe em um nó" % scenario["label"]
    details = [scenario["ha_label"]]
    details.append("%s headroom" % _percent(params["peak_headroom_ratio"])
                   if params["peak_headroom_ratio"] else "sem headroom")
    if spec["budget_cap"] is not None:
        details.append("budget %s" % _percent(params["kv_budget_ratio"]))
    line = "%s: %s (%s)" % (scenario["label"], _count(nodes, "nó", "nós"), ", ".join(details))
    if key == "recommended":
        line += " ← USAR EM PRODUÇÃO"
    return line


def _result(scenario, key):
    return _find(scenario["figures"], key)


def input_sections(report):
    """Section 1 as (title, [(label, value)]) rows, shared by text and Markdown."""
    inputs = report["inputs"]
    model = inputs["model_details"]
    server = inputs["server_details"]
    storage = inputs["storage_details"]
    hbm_gib = _find(report["common"], "hbm_total_gib")
    model_rows = [
        ("Nome", model["name"]),
        ("Camadas (num_hidden_layers)", model["num_hidden_layers"]),
        ("Heads de atenção (num_attention_heads)", model["num_attention_heads"]),
        ("KV heads (num_key_value_heads)", model["num_key_value_heads"]),
        ("head_dim", model["head_dim"]),
        ("Contexto máximo (max_position_embeddings)", model["max_position_embeddings"]),
        ("Janela deslizante (sliding_window)", model["sliding_window"]
         if model["sliding_window"] is not None else "—"),
        ("Padrão de atenção", model["attention_description"]),
    ]
    if model.get("total_parameters") is not None:
        active = model.get("active_parameters")
        model_rows.append(("Parâmetros totais / ativos", "%s / %s" % (
            _plain(model["total_parameters"]), _plain(active) if active is not None else "—")))
    if model.get("num_local_experts") is not None:
        model_rows.append(("Experts (por token)", "%d (%s)" % (
            model["num_local_experts"], _or_dash(model.get("num_experts_per_tok")))))
    if model.get("weights") is not None:
        model_rows.append(("Pesos por instância", "%d bytes (%s GiB)" % (
            model["weights"]["weights_bytes"], _fixed(_find(report["common"], "weights_per_instance_gib"), 2))))
    if model.get("source"):
        model_rows.append(("Fonte", model["source"]))
    nvlink = server["nvlink_bandwidth_tbps"]
    server_rows = [
        ("Nome", server["name"]),
        ("GPUs", server["gpus"]),
        ("HBM por GPU", "%s GB" % _plain(server["hbm_per_gpu_gb"])),
        ("HBM total", "%s GB (%s GiB)" % (_plain(server["total_hbm_gb"]), _fixed(hbm_gib, 2))),
        ("NVLink", "%s TB/s" % _plain(nvlink) if nvlink is not None else "—"),
    ]
    for label, field, unit in (("Banda HBM por GPU", "hbm_bandwidth_tb_s", "TB/s"),
                               ("BF16 denso por GPU", "bf16_dense_tflops", "TFLOPS"),
                               ("FP8 denso por GPU", "fp8_dense_tflops", "TFLOPS"),
                               ("NVLink por GPU", "nvlink_per_gpu_gb_s", "GB/s")):
        if server.get(field) is not None:
            server_rows.append((label, "%s %s" % (_plain(server[field]), unit)))
    storage_rows = [
        ("Perfil", "%s (%s)" % (storage["name"], storage["type"])),
        ("IOPS leitura / escrita", "%s / %s" % (_plain(storage["read_iops"]),
                                                _plain(storage["write_iops"]))),
        ("Throughput leitura / escrita", "%s / %s GB/s" % (_plain(storage["read_throughput_gb_s"]),
                                                          _plain(storage["write_throughput_gb_s"]))),
        ("Latência P99 leitura / escrita", "%s / %s ms" % (_fixed(storage["read_latency_p99_ms"], 2),
                                                         _fixed(storage["write_latency_p99_ms"], 2))),
    ]
    context = "%d tokens" % inputs["effective_context"]
    if inputs["effective_context_requested"] != inputs["effective_context"]:
        context += " (solicitado: %d, limitado ao máximo do modelo)" % inputs["effective_context_requested"]
    concurrency = _count(inputs["concurrency"], "sessão simultânea", "sessões simultâneas")
    if inputs["requests_per_second"] is not None:
        concurrency += " (lei de Little: ceil(%s req/s × %s s))" % (
            _plain(inputs["requests_per_second"]), _plain(inputs["mean_session_seconds"]))
    slo = ", ".join("%s %s ms" % (name, _plain(inputs[key])) for name, key in
                    (("TPOT", "tpot_slo_ms"), ("TTFT", "ttft_slo_ms")) if inputs[key] is not None)
    nfr_rows = [
        ("Concorrência", concurrency),
        ("Metas de latência", slo or "nenhuma (nós pela memória)"),
        ("Roofline", "eficiência de HBM %s, MFU %s" % (_percent(inputs["hbm_efficiency"]),
                                                       _percent(inputs["mfu"]))),
        ("Contexto efetivo", context),
        ("Precisão KV", "%s (%s byte por elemento)" % (inputs["kv_precision"],
                                                       _plain(inputs["kv_bytes_per_element"]))),
        ("KV budget ratio", _percent(inputs["kv_budget_ratio"])),
        ("Overhead de runtime", "%s GiB" % _plain(inputs["runtime_overhead_gib"])),
        ("Headroom de pico", _percent(inputs["peak_headroom_ratio"])),
        ("Tensor parallel", "%s por instância, %s por nó"
         % (_count(inputs["tensor_parallel"], "GPU", "GPUs"),
            _count(inputs["instances_per_node"], "instância", "instâncias"))),
        ("Base de capacidade (kv_accounting)", _accounting_text(inputs)),
    ]
    return [("Modelo", model_rows), ("Servidor", server_rows), ("Storage", storage_rows),
            ("NFRs e runtime", nfr_rows)]


def _accounting_text(inputs):
    if inputs["kv_accounting"] == "spec":
        return "spec (fórmula do guia)"
    return "vllm (blocos de %d tokens, max_num_batched_tokens %d, max_num_seqs %d)" % (
        inputs["block_size"], inputs["max_num_batched_tokens"], inputs["max_num_seqs"])


def rationale_lines(item):
    """The formula / inputs / interpretation block of one figure, as plain lines."""
    lines = ["Fórmula: " + item["formula"], "Entradas:"]
    lines.extend("  • %s: %s" % (key, format_input(value)) for key, value in item["inputs"].items())
    lines.append("Interpretação: " + item["explanation"])
    return lines


ALERT_ICONS = {"error": "❌", "warning": "⚠️", "info": "ℹ️"}


# ---------------------------------------------------------------------------
# 6. Renderers
# ---------------------------------------------------------------------------

def render_text(report):
    rule = "═" * 72
    out = [rule, "RELATÓRIO DE DIMENSIONAMENTO DE INFERÊNCIA LLM (sizing %s)" % __version__, rule, "",
           "RESUMO"]
    out.extend("  " + summary_line(report, s["key"]) for s in SCENARIOS)
    out.extend(["", _text_heading("SEÇÃO 1: ENTRADAS")])
    for title, rows in input_sections(report):
        out.append("  " + title)
        out.extend("    • %s: %s" % (label, format_input(value)) for label, value in rows)
    out.extend(["", _text_heading("SEÇÃO 2: DICIONÁRIO DE PARÂMETROS")])
    for name, origin, what, why, mistake in PARAMETER_DICTIONARY:
        out.extend(["  【%s】" % name, "    O que é: " + what, "    Origem: " + origin,
                    "    Importância: " + why, "    Erro comum: " + mistake])
    out.extend(["", _text_heading("SEÇÃO 3: RESULTADOS POR CENÁRIO"), "",
                "  Valores comuns aos três cenários"])
    for item in report["common"]:
        out.extend(_text_figure(item))
    for spec in SCENARIOS:
        scenario = report["scenarios"][spec["key"]]
        params = scenario["parameters"]
        out.extend(["", "  ── %s%s: %s ──" % (scenario["label"], spec["marker"],
                                              _count(_result(scenario, "nodes_final"), "nó", "nós")),
                    "    Uso: %s | HA: %s | Headroom: %s | Budget KV: %s"
                    % (scenario["usage"], scenario["ha_label"], _percent(params["peak_headroom_ratio"]),
                       _percent(params["kv_budget_ratio"]))])
        for item in scenario["figures"]:
            out.extend(_text_figure(item))
    out.extend(["", _text_heading("SEÇÃO 4: ALERTAS E RISCOS")])
    if not report["alerts"]:
        out.append("  ✅ Nenhum alerta.")
    for item in report["alerts"]:
        out.append("  %s [%s] %s: %s" % (ALERT_ICONS[item["level"]], item["level"], item["code"],
                                         item["message"]))
    out.append("")
    return "\n".join(out)


def _text_heading(title):
    return "┌%s┐\n│ %s│\n└%s┘" % ("─" * 70, title.ljust(69), "─" * 70)


def _text_figure(item):
    lines = ["", "  ▸ %s (%s): %s" % (item["label"], item["key"], format_value(item["value"], item["unit"])),
             "    Racional:"]
    lines.extend("      " + line for line in rationale_lines(item))
    return lines


def _md_cell(value):
    return str(value).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _md_table(header, rows, right_aligned=()):
    lines = ["| " + " | ".join(_md_cell(h) for h in header) + " |",
             "|" + "|".join("---:" if i in right_aligned else "---" for i in range(len(header))) + "|"]
    lines.extend("| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows)
    return lines


def render_markdown(report):
    inputs = report["inputs"]
    out = ["# Relatório de Dimensionamento de Inferência LLM", "",
           "Gerado por `sizing %s` (schema %s). Modelo `%s`, servidor `%s`, storage `%s`, "
           "%d sessões simultâneas, contexto de %d tokens."
           % (__version__, SCHEMA_VERSION, inputs["model"], inputs["server"], inputs["storage"],
              inputs["concurrency"], inputs["effective_context"]), "", "## Resumo", ""]
    out.extend("- " + _md_cell(summary_line(report, s["key"])) for s in SCENARIOS)
    out.extend(["", "## 📋 Seção 1: Entradas"])
    for title, rows in input_sections(report):
        out.extend(["", "### " + title, ""])
        out.extend("- **%s:** %s" % (_md_cell(label), _md_cell(format_input(value))) for label, value in rows)
    out.extend(["", "## 📚 Seção 2: Dicionário de Parâmetros", ""])
    out.extend(_md_table(("Parâmetro", "Origem", "O que é", "Importância", "Erro comum"),
                         [("`%s`" % n, o, w, y, m) for n, o, w, y, m in PARAMETER_DICTIONARY]))
    out.extend(["", "## 🎯 Seção 3: Resultados por Cenário", "", "### Comparação Rápida", ""])
    out.extend(_md_comparison(report))
    out.extend(["", "### Valores comuns aos três cenários", ""])
    for item in report["common"]:
        out.extend(_md_figure(item))
    for spec in SCENARIOS:
        scenario = report["scenarios"][spec["key"]]
        params = scenario["parameters"]
        icon = "🟢" if spec["key"] == "recommended" else "🔹"
        out.extend(["### %s Cenário: %s%s" % (icon, scenario["label"], spec["marker"]), "",
                    "- Nós Finais: **%s**" % _or_dash(_result(scenario, "nodes_final")),
                    "- Uso: %s" % scenario["usage"],
                    "- HA: %s" % scenario["ha_label"],
                    "- Headroom: %s" % _percent(params["peak_headroom_ratio"]),
                    "- Budget KV: %s" % _percent(params["kv_budget_ratio"]), ""])
        for item in scenario["figures"]:
            out.extend(_md_figure(item))
    out.extend(["", "## ⚠️ Seção 4: Alertas e Riscos", ""])
    if report["alerts"]:
        out.extend(_md_table(("Nível", "Código", "Mensagem"),
                             [("%s %s" % (ALERT_ICONS[a["level"]], a["level"]), "`%s`" % a["code"],
                               a["message"]) for a in report["alerts"]]))
    else:
        out.append("✅ Nenhum alerta.")
    out.append("")
    # One blank line between blocks, never two.
    lines = [line for i, line in enumerate(out) if line or i == 0 or out[i - 1]]
    return "\n".join(lines)


def _md_comparison(report):
    keys = [s["key"] for s in SCENARIOS]
    header = ["Métrica"] + [report["scenarios"][k]["label"] for k in keys]
    rows = []
    first = report["scenarios"][keys[0]]["figures"]
    for index, item in enumerate(first):
        if item["unit"] not in ("nós", "sessões", "GiB") or item["key"] == "nodes_final":
            continue
        cells = []
        for key in keys:
            value = report["scenarios"][key]["figures"][index]["value"]
            cells.append(_fixed(value, 2) if item["unit"] == "GiB" and value is not None else _or_dash(value))
        rows.append(["%s (%s)" % (item["label"], item["unit"])] + cells)
    final = ["**Nós Finais**"]
    for spec in SCENARIOS:
        value = _result(report["scenarios"][spec["key"]], "nodes_final")
        final.append(_or_dash(value) + spec["marker"])
    rows.append(final)
    return _md_table(header, rows, right_aligned=(1, 2, 3))


def _md_figure(item):
    lines = ["#### %s (`%s`): %s" % (_md_cell(item["label"]), item["key"],
                                     _md_cell(format_value(item["value"], item["unit"]))), "",
             "- **Fórmula:** `%s`" % item["formula"].replace("`", "'"),
             "- **Entradas:** " + ", ".join("`%s` = %s" % (k, _md_cell(format_input(v)))
                                            for k, v in item["inputs"].items()),
             "- **Interpretação:** " + _md_cell(item["explanation"]), ""]
    return lines


def _json_number(value):
    if isinstance(value, Fraction):
        return value.numerator if value.denominator == 1 else float(value)
    return value


def _json_ready(value):
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_ready(v) for v in value]
    return _json_number(value)


def report_document(report):
    """The JSON document: raw numbers, rationale next to every result."""
    def results_of(figures):
        return ({f["key"]: f["value"] for f in figures},
                {f["key"]: {"formula": f["formula"], "inputs": f["inputs"],
                            "explanation": f["explanation"]} for f in figures})

    scenarios = {}
    for spec in SCENARIOS:
        scenario = report["scenarios"][spec["key"]]
        results, rationale = results_of(report["common"] + scenario["figures"])
        scenarios[spec["key"]] = {
            "label": scenario["label"], "usage": scenario["usage"],
            "parameters": scenario["parameters"], "results": results, "rationale": rationale,
            "summary": summary_line(report, spec["key"])}
    dictionary = {name: {"what": what, "origin": origin, "why_it_matters": why,
                         "common_mistake": mistake}
                  for name, origin, what, why, mistake in PARAMETER_DICTIONARY}
    document = {"schema_version": report["schema_version"], "tool": report["tool"],
                "inputs": report["inputs"], "parameter_dictionary": dictionary,
                "scenarios": scenarios, "alerts": report["alerts"]}
    return _json_ready(document)


def render_json(report):
    return json.dumps(report_document(report), ensure_ascii=False, indent=2, allow_nan=False) + "\n"


# ---------------------------------------------------------------------------
# 7. Command line
# ---------------------------------------------------------------------------

# argparse's own messages, in Portuguese (argparse looks `_` and `ngettext` up
# in its module at call time; the keys cover Python 3.8 to 3.13).
ARGPARSE_MESSAGES = {
    "usage: ": "uso: ",
    "options": "opções",
    "optional arguments": "opções",
    "positional arguments": "argumentos posicionais",
    "the following arguments are required: %s": "faltam opções obrigatórias: %s",
    "unrecognized arguments: %s": "argumentos não reconhecidos: %s",
    "expected one argument": "esperava um valor",
    "ignored explicit argument %r": "valor não esperado: %r",
    "argument %(argument_name)s: %(message)s": "opção %(argument_name)s: %(message)s",
    "not allowed with argument %s": "não pode ser usada junto com %s",
    "one of the arguments %s is required": "uma das opções %s é obrigatória",
    "ambiguous option: %(option)s could match %(matches)s":
        "opção ambígua: %(option)s pode ser %(matches)s",
    "invalid choice: %(value)r (choose from %(choices)s)":
        "valor inválido: %(value)r (escolha entre %(choices)s)",
}


def _translate(message):
    return ARGPARSE_MESSAGES.get(message, message)


def _ntranslate(singular, plural, count):
    return _translate(singular if count == 1 else plural)


def default_catalog(filename):
    """A shipped catalog: beside this file, or where `pip install` put it."""
    for folder in (HERE, os.path.join(sys.prefix, "share", "sizing")):
        candidate = os.path.join(folder, filename)
        if os.path.isfile(candidate):
            return candidate
    return os.path.join(HERE, filename)


class UsageError(Exception):
    """argparse rejected the command line (message already translated)."""


def build_parser():
    import argparse
    argparse._ = _translate
    argparse.ngettext = _ntranslate

    class Parser(argparse.ArgumentParser):
        def error(self, message):
            raise UsageError(message)

        def _print_message(self, message, file=None):
            if message:
                emit(file or sys.stdout, message)

    parser = Parser(
        prog="sizing", add_help=False, allow_abbrev=False,
        description="Dimensiona quantos servidores GPU uma implantação de LLM precisa, em três "
                    "cenários (MÍNIMO, RECOMENDADO, IDEAL), com o racional de cada número.",
        epilog="Exemplo: sizing --model opt-oss-120b --server dgx300 --concurrency 1000 "
               "--effective-context 131072. Saída: 0 = dimensionado; 1 = algum cenário não "
               "comporta nenhuma sessão (ou os pesos não cabem no overhead); 2 = entrada inválida.")
    group = parser.add_argument_group("modelo, servidor e carga")
    group.add_argument("--model", metavar="NOME", help="modelo do catálogo (ex.: opt-oss-120b)")
    group.add_argument("--model-config", metavar="ARQUIVO",
                       help="config.json do Hugging Face, no lugar de --model")
    group.add_argument("--server", metavar="NOME", help="servidor do catálogo (ex.: dgx300)")
    group.add_argument("--storage", metavar="PERFIL", default=DEFAULTS["storage"],
                       help="perfil de storage (padrão: %(default)s)")
    group.add_argument("--concurrency", metavar="N", help="sessões simultâneas (inteiro > 0)")
    group.add_argument("--requests-per-second", metavar="R",
                       help="chegadas por segundo; com --mean-session-seconds, no lugar de --concurrency")
    group.add_argument("--mean-session-seconds", metavar="S",
                       help="duração média de uma sessão em segundos (lei de Little)")
    group.add_argument("--effective-context", metavar="TOKENS",
                       help="contexto por sessão em tokens (limitado a max_position_embeddings)")
    group = parser.add_argument_group("runtime e cenários")
    group.add_argument("--kv-precision", metavar="P", default=DEFAULTS["kv_precision"],
                       help="precisão do KV cache: %s (padrão: %%(default)s)" % ", ".join(KV_PRECISIONS))
    group.add_argument("--kv-budget-ratio", metavar="R", default=_fixed(DEFAULTS["kv_budget_ratio"], 2),
                       help="fração da HBM livre para KV, 0 < R <= 1 (padrão: %(default)s)")
    group.add_argument("--runtime-overhead-gib", metavar="GIB", default=_plain(DEFAULTS["runtime_overhead_gib"]),
                       help="GiB por nó para pesos e ativações, >= 0 (padrão: %(default)s)")
    group.add_argument("--peak-headroom-ratio", metavar="R", default=_fixed(DEFAULTS["peak_headroom_ratio"], 2),
                       help="folga para picos, >= 0 (padrão: %(default)s; IDEAL usa no mínimo 0.30)")
    group.add_argument("--tensor-parallel", metavar="N",
                       help="GPUs por instância do modelo (padrão: todas as GPUs do nó)")
    group.add_argument("--kv-accounting", metavar="BASE", default=DEFAULTS["kv_accounting"],
                       help="base de capacidade: spec (fórmula do guia) ou vllm (blocos paginados "
                            "do vLLM v1) (padrão: %(default)s)")
    group.add_argument("--block-size", metavar="TOKENS", default=str(DEFAULTS["block_size"]),
                       help="tokens por bloco de KV na base vllm (padrão: %(default)s)")
    group.add_argument("--max-num-batched-tokens", metavar="N",
                       default=str(DEFAULTS["max_num_batched_tokens"]),
                       help="tokens por passo do scheduler na base vllm (padrão: %(default)s)")
    group.add_argument("--max-num-seqs", metavar="N", default=str(DEFAULTS["max_num_seqs"]),
                       help="sessões por instância no máximo, base vllm (padrão: %(default)s)")
    group = parser.add_argument_group("latência (roofline)")
    group.add_argument("--tpot-slo-ms", metavar="MS",
                       help="meta de tempo por token de saída; limita as sessões por nó")
    group.add_argument("--ttft-slo-ms", metavar="MS",
                       help="meta de tempo até o primeiro token (prompt com o contexto inteiro)")
    group.add_argument("--hbm-efficiency", metavar="R", default=_plain(DEFAULTS["hbm_efficiency"]),
                       help="fração da banda de HBM de pico atingida no decode, 0.01 <= R <= 1 "
                            "(padrão: %(default)s)")
    group.add_argument("--mfu", metavar="R", default=_plain(DEFAULTS["mfu"]),
                       help="fração dos FLOPS densos de pico atingida no prefill, 0.01 <= R <= 1 "
                            "(padrão: %(default)s)")
    group = parser.add_argument_group("catálogos")
    group.add_argument("--models-file", metavar="ARQUIVO", default=None,
                       help="catálogo de modelos (padrão: models.json do sizing)")
    group.add_argument("--servers-file", metavar="ARQUIVO", default=None,
                       help="catálogo de servidores (padrão: servers.json do sizing)")
    group.add_argument("--storage-file", metavar="ARQUIVO", default=None,
                       help="catálogo de storage (padrão: storage.json do sizing)")
    group = parser.add_argument_group("saída")
    only = group.add_mutually_exclusive_group()
    only.add_argument("--json-only", action="store_true", help="imprime só o JSON")
    only.add_argument("--markdown-only", action="store_true", help="imprime só o Markdown")
    group.add_argument("--output-markdown-file", metavar="ARQUIVO",
                       help="grava também o relatório Markdown neste arquivo")
    group.add_argument("--output-json-file", metavar="ARQUIVO",
                       help="grava também o JSON neste arquivo")
    group.add_argument("--version", action="version", version="sizing %s" % __version__,
                       help="mostra a versão e sai")
    group.add_argument("-h", "--help", action="help", help="mostra esta ajuda e sai")
    return parser


def options_from_args(args):
    """Validate every option; returns plain options with exact numbers."""
    for name, value in vars(args).items():
        if isinstance(value, list):
            setattr(args, name, _option_text(value))
    if (args.model is None) == (args.model_config is None):
        raise InputError("informe --model NOME ou --model-config ARQUIVO (um dos dois)")
    for option, value in (("--server", args.server), ("--effective-context", args.effective_context)):
        if value is None:
            raise InputError("%s é obrigatória" % option)
    traffic = (args.requests_per_second, args.mean_session_seconds)
    if args.concurrency is None and None in traffic:
        raise InputError("informe --concurrency N, ou --requests-per-second R com --mean-session-seconds S")
    if args.concurrency is not None and traffic != (None, None):
        raise InputError("--concurrency não pode ser usada junto com --requests-per-second/"
                         "--mean-session-seconds")
    rate = seconds = None
    if args.concurrency is None:
        rate = parse_fraction_option(args.requests_per_second, "--requests-per-second",
                                     minimum=0, minimum_inclusive=False)
        seconds = parse_fraction_option(args.mean_session_seconds, "--mean-session-seconds",
                                        minimum=0, minimum_inclusive=False)
        concurrency = int(cdiv(rate * seconds, 1))
        if concurrency > MAX_INPUT:
            raise InputError("--requests-per-second × --mean-session-seconds: a concorrência "
                             "resultante (%s) passa de 10^15" % _sci(rate * seconds))
    else:
        concurrency = parse_int_option(args.concurrency, "--concurrency")

    def optional_positive(text, option, maximum=MAX_INPUT):
        if text is None:
            return None
        return parse_fraction_option(text, option, minimum=0, minimum_inclusive=False, maximum=maximum)
    if args.kv_precision not in KV_PRECISIONS:
        raise InputError("--kv-precision: '%s' inválida; use uma de: %s"
                         % (args.kv_precision, ", ".join(KV_PRECISIONS)))
    if args.kv_accounting not in ("spec", "vllm"):
        raise InputError("--kv-accounting: '%s' inválida; use spec ou vllm" % args.kv_accounting)
    options = {
        "model": args.model, "model_config": args.model_config,
        "server": args.server, "storage": args.storage,
        "concurrency": concurrency, "requests_per_second": rate, "mean_session_seconds": seconds,
        "tpot_slo_ms": optional_positive(args.tpot_slo_ms, "--tpot-slo-ms"),
        "ttft_slo_ms": optional_positive(args.ttft_slo_ms, "--ttft-slo-ms"),
        "hbm_efficiency": parse_fraction_option(args.hbm_efficiency, "--hbm-efficiency",
                                                minimum=MIN_EFFICIENCY, maximum=1),
        "mfu": parse_fraction_option(args.mfu, "--mfu", minimum=MIN_EFFICIENCY, maximum=1),
        "effective_context": parse_int_option(args.effective_context, "--effective-context"),
        "kv_precision": args.kv_precision,
        "kv_budget_ratio": parse_fraction_option(args.kv_budget_ratio, "--kv-budget-ratio",
                                                 minimum=0, minimum_inclusive=False, maximum=1),
        "runtime_overhead_gib": parse_fraction_option(args.runtime_overhead_gib,
                                                      "--runtime-overhead-gib", minimum=0),
        "peak_headroom_ratio": parse_fraction_option(args.peak_headroom_ratio,
                                                     "--peak-headroom-ratio", minimum=0),
        "tensor_parallel": (parse_int_option(args.tensor_parallel, "--tensor-parallel")
                            if args.tensor_parallel is not None else None),
        "kv_accounting": args.kv_accounting,
        "block_size": parse_int_option(args.block_size, "--block-size"),
        "max_num_batched_tokens": parse_int_option(args.max_num_batched_tokens,
                                                   "--max-num-batched-tokens"),
        "max_num_seqs": parse_int_option(args.max_num_seqs, "--max-num-seqs"),
        "models_file": args.models_file or default_catalog("models.json"),
        "servers_file": args.servers_file or default_catalog("servers.json"),
        "storage_file": args.storage_file or default_catalog("storage.json"),
    }
    return options


def check_output_paths(paths, input_paths):
    """Refuse before writing anything if an output file cannot be written or is an input."""
    seen = set()
    inputs = {os.path.realpath(path): option for option, path in input_paths if path}
    for option, path in paths:
        if not path:
            raise InputError("%s: caminho vazio" % option)
        real = os.path.realpath(path)
        if real in seen:
            raise InputError("%s: o mesmo arquivo foi pedido para duas saídas" % option)
        seen.add(real)
        for input_real, input_option in inputs.items():
            if real == input_real or _same_file(real, input_real):
                raise InputError("%s: '%s' é o arquivo lido por %s; escolha outro caminho"
                                 % (option, path, input_option))
        if not _is_regular_or_absent(path):       # /dev/null, /dev/stdout, a FIFO: written into
            if not os.access(path, os.W_OK):
                raise InputError("%s: sem permissão para gravar '%s'" % (option, path))
            continue
        folder = os.path.dirname(real)
        if os.path.isdir(real):
            raise InputError("%s: '%s' é um diretório" % (option, path))
        if not os.path.isdir(folder):
            raise InputError("%s: o diretório de '%s' não existe" % (option, path))
        if not os.access(folder, os.W_OK) or (os.path.exists(real) and not os.access(real, os.W_OK)):
            raise InputError("%s: sem permissão para gravar '%s'" % (option, path))


def _same_file(first, second):
    try:
        return os.path.samefile(first, second)
    except (OSError, ValueError):
        return False


def _is_regular_or_absent(path):
    """True for a regular file or a path where nothing exists yet (a directory is checked apart)."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return True
    return stat.S_ISREG(mode) or stat.S_ISDIR(mode)


def write_files_atomically(contents):
    """Write every (option, path, text).

    Regular files (and new ones) go to a temporary file beside them and are renamed
    over the target only when every output is ready, so an existing file is either
    replaced whole or left as it was. A target that exists and is not a regular file
    (/dev/null, /dev/stdout, a FIFO, a character device) is written into, as a shell
    redirection would: it is never replaced by a regular file.
    """
    staged = []
    option = path = None
    try:
        for option, path, text in contents:
            if _is_regular_or_absent(path):
                real = os.path.realpath(path)
                staged.append((real, _stage(real, text.encode("utf-8", "backslashreplace"))))
        for option, path, text in contents:
            if not _is_regular_or_absent(path):
                _write_into(path, text.encode("utf-8", "backslashreplace"))
        for real, temporary in staged:
            os.replace(temporary, real)
        staged = []
    except OSError as error:
        raise InputError("%s: não foi possível gravar '%s' (%s)" % (option, path, _os_reason(error)))
    finally:
        for _, temporary in staged:
            _remove_quietly(temporary)


def _stage(real, data):
    """A temporary file beside `real`, holding `data`, with the target's mode.

    The name is short (not derived from the target's) so that any valid file name
    still has a valid temporary name next to it.
    """
    import tempfile
    handle, temporary = tempfile.mkstemp(dir=os.path.dirname(real), prefix=".sizing-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        mode = 0o666 & ~_umask()
        if os.path.exists(real):
            mode = os.stat(real).st_mode & 0o7777
        os.chmod(temporary, mode)
    except BaseException:
        _remove_quietly(temporary)
        raise
    return temporary


def _write_into(path, data):
    """Write into an existing non-regular file; a FIFO with no reader is an error, not a hang."""
    import errno
    try:
        handle = os.open(path, os.O_WRONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        if error.errno == errno.ENXIO:
            raise OSError(error.errno, "FIFO sem leitor")
        raise
    try:
        if hasattr(os, "set_blocking"):
            os.set_blocking(handle, True)
        view = memoryview(data)
        while view:
            view = view[os.write(handle, view):]
    finally:
        os.close(handle)


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _remove_quietly(path):
    try:
        os.remove(path)
    except OSError:
        pass


class OutputClosed(Exception):
    """The reader of stdout went away (a closed pipe): stop quietly, as `cat` does."""


class OutputError(Exception):
    """stdout cannot be written (closed, full disk): exit 2 with one line on stderr."""


def emit(stream, text):
    """Write UTF-8 whatever the locale or PYTHONIOENCODING; never raise a traceback.

    A failed write silences the stream (its descriptor now points at /dev/null), so
    that nothing is retried when the interpreter flushes its streams at exit.
    """
    if stream is None:
        raise OutputError("a saída padrão está fechada")
    buffer = getattr(stream, "buffer", None)
    try:
        if buffer is None:
            stream.write(text)
            stream.flush()
            return
        stream.flush()
        buffer.write(text.encode("utf-8", "backslashreplace"))
        buffer.flush()
    except BrokenPipeError:
        _silence(stream)
        raise OutputClosed()
    except (OSError, ValueError) as error:
        _silence(stream)
        raise OutputError("não foi possível escrever na saída padrão (%s)" % _os_reason(error))


def _silence(stream):
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, stream.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):
        pass


def report_error(message):
    """The one stderr line of exit 2; if stderr itself is closed or full, say nothing."""
    try:
        emit(sys.stderr, "sizing: error: %s\n" % printable(message))
    except (OutputClosed, OutputError):
        pass


def printable(text):
    """Escape what would break a one-line message or an encoder.

    Control characters (a newline in a value) become \\n-style escapes; bytes that
    were not valid UTF-8 (surrogate escapes from the command line) become \\xNN.
    """
    out = []
    for char in str(text):
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:
            out.append("\\x%02x" % (code - 0xDC00))
        elif 0xD800 <= code <= 0xDFFF:
            out.append("\\u%04x" % code)
        elif code < 0x20 or 0x7F <= code < 0xA0 or code in (0x2028, 0x2029):
            out.append(repr(char)[1:-1] if char in "\n\r\t" else "\\x%02x" % code if code < 0x100
                       else "\\u%04x" % code)
        else:
            out.append(char)
    return "".join(out)


def main(argv=None):
    """Run the CLI; returns the exit status.

    0: sized. 1: sized, with an error alert (a scenario fits no session). 2: bad input
    or environment, with one `sizing: error:` line on stderr. A closed pipe on stdout
    (`sizing ... | head`) stops quietly with the status the run would have had.
    """
    status = 2
    try:
        status, text = _run(argv)
        if text is not None:
            emit(sys.stdout, text)
        return status
    except InputError as error:
        report_error(error)
        return 2
    except OutputError as error:
        report_error(error)
        return 2
    except OutputClosed:
        return status


def _run(argv):
    """Parse, compute, render and write the files; returns (status, text for stdout)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as error:
        raise InputError(str(error))
    except SystemExit as done:       # --help and --version, already printed
        return done.code or 0, None
    except OutputClosed:             # `sizing --help | true`
        return 0, None
    options = options_from_args(args)
    outputs = [("--output-markdown-file", args.output_markdown_file),
               ("--output-json-file", args.output_json_file)]
    outputs = [(option, path) for option, path in outputs if path is not None]
    inputs = [("--model-config", options["model_config"]), ("--servers-file", options["servers_file"]),
              ("--storage-file", options["storage_file"])]
    if options["model_config"] is None:
        inputs.append(("--models-file", options["models_file"]))
    check_output_paths(outputs, inputs)
    model, server, storage = load_inputs(options)
    report = build_report(options, model, server, storage)
    wanted = {option for option, _ in outputs}
    markdown_text = (render_markdown(report) if args.markdown_only
                     or "--output-markdown-file" in wanted else None)
    json_text = render_json(report) if not args.markdown_only or "--output-json-file" in wanted else None
    files = [(option, path, markdown_text if option == "--output-markdown-file" else json_text)
             for option, path in outputs]
    write_files_atomically(files)
    if args.json_only:
        return exit_status(report), json_text
    if args.markdown_only:
        return exit_status(report), markdown_text
    return exit_status(report), render_text(report) + "\n" + json_text


if __name__ == "__main__":
    sys.exit(main())
