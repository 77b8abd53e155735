# Writes spm-unigram.tokenizer.json.gz and spm-unigram-tokenizer-json-cases.json: the test
# SentencePiece model (spm-unigram.model.gz) converted to a Hugging Face tokenizer.json by
# transformers' own T5Converter (the conversion that made UMT5's published tokenizer.json), and the
# ids Hugging Face's `tokenizers` library gives for spm-unigram-cases.json's texts with it
# (no special tokens). Made with transformers 5.18.0, tokenizers 0.23.2, sentencepiece 0.2.x
# (pip wheels, offline), from this folder:
#   python3 make-unigram-tokenizer-json.py
import gzip, json
import sentencepiece as spm
import transformers.convert_slow_tokenizer as convert
from tokenizers import Tokenizer

with open("spiece.model", "wb") as f:
    f.write(gzip.open("spm-unigram.model.gz").read())
sp = spm.SentencePieceProcessor(model_file="spiece.model")

class Original:  # what T5Converter reads from a slow T5Tokenizer
    vocab_file = "spiece.model"
    _extra_ids = 0
    legacy = True
    add_prefix_space = True
    def convert_tokens_to_ids(self, token): return sp.piece_to_id(token)

text = convert.T5Converter(Original()).converted().to_str()
with gzip.open("spm-unigram.tokenizer.json.gz", "wt", encoding="utf-8") as f:
    f.write(text)
tok = Tokenizer.from_str(text)
cases = json.load(open("spm-unigram-cases.json"))
out = [{"text": c["text"], "ids": tok.encode(c["text"], add_special_tokens=False).ids} for c in cases]
with open("spm-unigram-tokenizer-json-cases.json", "w") as f:
    json.dump(out, f, ensure_ascii=False)
    f.write("\n")
