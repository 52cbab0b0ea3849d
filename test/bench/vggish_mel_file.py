"""numpy reference for the features benchmark: read a 16-bit PCM WAV, compute the VGGish log-mel with
/work/shared/bench/vggish_mel.py (float64 numpy), save it as float32 .npy — the same work as
`lungcam features F.wav --out F.npy`. Prints the peak RSS (kB) on stderr for the benchmark to read."""
import os, resource, sys, wave
import numpy as np

sys.path.insert(0, os.environ.get('LUNGCAM_SHARED_BENCH', os.path.join(os.path.dirname(__file__), '../../../shared/bench')))
from vggish_mel import log_mel  # noqa: E402

wav_path, out_path = sys.argv[1], sys.argv[2]
with wave.open(wav_path, 'rb') as w:
    assert w.getsampwidth() == 2 and w.getframerate() == 16000, 'the reference reads 16 kHz 16-bit PCM only'
    x = np.frombuffer(w.readframes(w.getnframes()), dtype='<i2').reshape(-1, w.getnchannels())
x = x.mean(axis=1) / 32768.0
np.save(out_path, log_mel(x).astype(np.float32))
print(f'maxrss_kb={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}', file=sys.stderr)
