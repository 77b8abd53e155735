# Writes sdxl-tokenizer-ids.json: the ids Hugging Face's own CLIPTokenizer gives for a set of
# prompts with SDXL base 1.0's two tokenizer folders (configs/stable-diffusion-xl-base-1.0), called
# the way StableDiffusionXLPipeline.encode_prompt calls it (padding="max_length", max_length=77,
# truncation=True). Made with transformers 5.18.0 and tokenizers 0.23.2 (pip wheels, offline):
#   HF_HUB_OFFLINE=1 python3 make-sdxl-tokenizer-ids.py ../../configs/stable-diffusion-xl-base-1.0 sdxl-tokenizer-ids.json
import json, sys
import tokenizers, transformers
from transformers import CLIPTokenizer

PROMPTS = [
    "a photo of an astronaut riding a horse on mars",
    "A DSLR photo, 4K: the cat's hat!!",
    "",
    "  Extra   spaces\tand\nnew lines  ",
    "Café crème brûlée, naïve façade",
    "東京の夜景 and 北京",
    "emoji 🐱🚀 and symbols © ® ™ ≠ ½",
    "hyphen-ated words, under_scores and a/b slashes (parens) [brackets] {braces}",
    "numbers 1234567 3.14159 1,000,000 and 2nd 3rd 21st",
    "it's, we'll, they've, I'm, you'd, don't CAN'T",
    "<|startoftext|> literal special tokens <|endoftext|>",
    "masterpiece, best quality, " * 12 + "a very long prompt that must be truncated",
]

cfg, out = sys.argv[1], sys.argv[2]
result = {
    "source": f"transformers {transformers.__version__} CLIPTokenizer, tokenizers {tokenizers.__version__}",
    "cases": [],
}
toks = {name: CLIPTokenizer.from_pretrained(f"{cfg}/{name}") for name in ("tokenizer", "tokenizer_2")}
for prompt in PROMPTS:
    case = {"prompt": prompt}
    for name, tok in toks.items():
        case[name] = tok(prompt, padding="max_length", max_length=tok.model_max_length, truncation=True).input_ids
    result["cases"].append(case)
with open(out, "w") as f:
    json.dump(result, f, ensure_ascii=False, indent=1)
    f.write("\n")
print(len(PROMPTS), "prompts;", {n: (t.pad_token, t.pad_token_id) for n, t in toks.items()})
