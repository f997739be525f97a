"""hardware.v6, training_time.v6 and parameters.v6 on a broad set of phrasings, written for these tests from how ML
papers (2013-2024: vision, NLP, speech, RL, LLMs) state their training hardware, training time and model size; the
expected values are read from each sentence. Negative sentences (another work's hardware or time, inference and
speed measurements, per-epoch times, differences in size, hypotheticals) must give no fact at all.

Each sentence stands alone after a title line and a sentence that names the paper's model (ZapNet), and the
document runs through the whole pipeline (models found, extractor, ``select_facts``), as ``flopsdb extract --facts``
does."""

from __future__ import annotations

import pytest

from flopsdb.extract.document import Box, Cell, Document, Sentence, Table
from flopsdb.extract.facts import select_facts
from flopsdb.extract.pipeline import extract_document
from flopsdb.extract.sentences import split_sentences
from tests.extract.conftest import make_doc

PREAMBLE = "ZapNet: Zapping Images and Text\nWe propose ZapNet, a network for images and text.\n"
EXTRACTORS = {"hardware": "hardware.v6", "training_time": "training_time.v6", "parameters": "parameters.v6"}


def _doc(text: str) -> Document:
    doc = make_doc(PREAMBLE + text)
    doc.sentences = [Sentence(a, b, doc.text[a:b], 1) for a, b in split_sentences(doc.text)]
    return doc


def _facts(doc: Document, kind: str) -> set[object]:
    found = select_facts(c for c in extract_document(doc, names=[EXTRACTORS[kind]]) if c.kind == kind)
    if kind == "hardware":
        return {(c.fields["accelerator"], c.fields["count"], c.fields["unit"]) for c in found}
    if kind == "training_time":
        return {(round(c.fields["hours"], 2), c.fields["scope"]) for c in found}
    return {c.fields["value"] for c in found}


HARDWARE = [
    ("We trained on a cluster of 64 A100-80GB GPUs.", {("NVIDIA A100", 64, "gpu")}),
    ("Training was performed using 4 x RTX 2080 Ti.", {("NVIDIA RTX 2080 Ti", 4, "gpu")}),
    ("The model was trained on a TPU v3-8.", {("Google TPU v3", 8, "tpu_core")}),
    ("Pre-training used 512 TPUv4 chips.", {("Google TPU v4", 512, "tpu_chip")}),
    ("All networks were trained on a single Titan Xp.", {("NVIDIA Titan Xp", 1, "gpu")}),
    ("We train with 8 NVIDIA V100 (32GB) GPUs.", {("NVIDIA V100", 8, "gpu")}),
    ("Our experiments use two GTX 1080 Ti 11GB GPUs.", {("NVIDIA GTX 1080 Ti", 2, "gpu")}),
    ("We trained the model on 8 Tesla V100-SXM2-32GB GPUs.", {("NVIDIA V100", 8, "gpu")}),
    ("Training is done on 16 NVIDIA A100 40GB GPUs.", {("NVIDIA A100", 16, "gpu")}),
    ("We use 32 Cloud TPU v3 cores for training.", {("Google TPU v3", 32, "tpu_core")}),
    ("The model is trained on 256 TPU v4 chips for 3 days.", {("Google TPU v4", 256, "tpu_chip")}),
    ("Training takes 2 days on 8 GeForce RTX 3090 GPUs.", {("NVIDIA RTX 3090", 8, "gpu")}),
    ("We used one NVIDIA Tesla K40 GPU.", {("NVIDIA K40", 1, "gpu")}),
    ("All models were trained using 4 NVIDIA Titan X (Pascal) GPUs.", {("NVIDIA Titan X", 4, "gpu")}),
    ("We train our models on eight P100 GPUs.", {("NVIDIA P100", 8, "gpu")}),
    ("Experiments were conducted on a machine with 4 NVIDIA GeForce GTX 1080 GPUs.", {("NVIDIA GTX 1080", 4, "gpu")}),
    ("The network was trained on 2048 TPU v3 cores.", {("Google TPU v3", 2048, "tpu_core")}),
    ("Each model is trained on a 4x4 TPU v3 pod slice.", {("Google TPU v3", 16, "tpu_chip")}),
    ("We trained on 8 H100 80GB GPUs with NVLink.", {("NVIDIA H100", 8, "gpu")}),
    ("Fine-tuning was done on a single NVIDIA T4 GPU.", {("NVIDIA T4", 1, "gpu")}),
    ("We use 1024 A100 GPUs to pre-train the 65B model.", {("NVIDIA A100", 1024, "gpu")}),
    ("Our implementation runs on 4 Titan V GPUs.", {("NVIDIA Titan V", 4, "gpu")}),
    ("The model was trained with 8 V100 GPUs, each with 16GB memory.", {("NVIDIA V100", 8, "gpu")}),
    ("We trained on 4 RTX A6000 GPUs.", {("NVIDIA RTX A6000", 4, "gpu")}),
    ("Training was conducted on 8 NVIDIA A800 GPUs.", {("NVIDIA A800", 8, "gpu")}),
    ("The models were trained on 8 NVIDIA Tesla M40 GPUs.", {("NVIDIA M40", 8, "gpu")}),
    ("We train on a single NVIDIA GeForce GTX TITAN X GPU with 12GB memory.", {("NVIDIA Titan X", 1, "gpu")}),
    ("We trained using 64 Tesla P100 GPUs for 4 days.", {("NVIDIA P100", 64, "gpu")}),
    ("It takes about 12 hours to train on a single GTX 1080 Ti.", {("NVIDIA GTX 1080 Ti", 1, "gpu")}),
    ("Training was carried out on 3 NVIDIA Quadro RTX 8000 GPUs.", {("NVIDIA Quadro RTX 8000", 3, "gpu")}),
    ("The model is trained on 32 NVIDIA V100 GPUs (4 nodes).", {("NVIDIA V100", 32, "gpu")}),
    ("We trained with data parallelism across 128 GPUs.", {("GPU", 128, "gpu")}),
    ("We trained ZapNet on 8 NVIDIA K80 GPUs.", {("NVIDIA K80", 8, "gpu")}),
    ("The training was done on one TPU v2-8.", {("Google TPU v2", 8, "tpu_core")}),
    ("We used a v3-32 TPU slice for pre-training.", {("Google TPU v3", 32, "tpu_core")}),
    ("Training took 5 days using 16 NVIDIA A100-SXM4-80GB GPUs.", {("NVIDIA A100", 16, "gpu")}),
    ("We use 4 NVIDIA RTX 3080 GPUs to train the detector.", {("NVIDIA RTX 3080", 4, "gpu")}),
    ("We implement ZapNet in PyTorch and train it on NVIDIA GeForce RTX 2080Ti GPUs.", {("NVIDIA RTX 2080 Ti", None, "gpu")}),
    ("The model is trained using 8×A100 GPUs.", {("NVIDIA A100", 8, "gpu")}),
    ("We use a batch size of 256 on 8 GPUs.", {("GPU", 8, "gpu")}),
    ("We train on 4 GPUs with 2 images per GPU.", {("GPU", 4, "gpu")}),
    ("We used 2 Nvidia Titan RTX GPUs.", {("NVIDIA Titan RTX", 2, "gpu")}),
    ("Distributed training is performed on 16 machines, each with 8 V100 GPUs.", {("NVIDIA V100", 128, "gpu")}),
    ("We use a single 24GB RTX 3090 for training.", {("NVIDIA RTX 3090", 1, "gpu")}),
    ("We train on eight 32GB V100 GPUs.", {("NVIDIA V100", 8, "gpu")}),
    ("We train ZapNet on 32 A100 GPUs across 4 nodes.", {("NVIDIA A100", 32, "gpu")}),
    ("We train on 4 nodes with 8 GPUs per node.", {("GPU", 32, "gpu")}),
    ("Training uses 2 NVIDIA RTX 4090 GPUs.", {("NVIDIA RTX 4090", 2, "gpu")}),
    ("We trained with 4 NVIDIA V100-32G GPUs.", {("NVIDIA V100", 4, "gpu")}),
    ("We train on 16 V100 32G GPUs.", {("NVIDIA V100", 16, "gpu")}),
    ("Training used 8 Tesla V100 16 GB GPUs.", {("NVIDIA V100", 8, "gpu")}),
    ("We trained our models on a GeForce GTX Titan Black.", {("NVIDIA GTX Titan Black", 1, "gpu")}),
    ("We train on a single GPU (NVIDIA GTX 1080Ti).", {("NVIDIA GTX 1080 Ti", 1, "gpu")}),
    ("Models are trained on a GPU cluster with 96 NVIDIA V100 GPUs.", {("NVIDIA V100", 96, "gpu")}),
    ("Pre-training ran on a cluster of 2,048 A100 80GB GPUs.", {("NVIDIA A100", 2048, "gpu")}),
    ("We use 16 TPUv3 accelerators for pre-training.", {("Google TPU v3", 16, "tpu_chip")}),
    ("Pre-training took 4 days on 4 Cloud TPUs in Pod configuration (16 TPU chips total).", {("Google TPU", 16, "tpu_chip")}),
    ("We trained on one NVIDIA TITAN Xp GPU.", {("NVIDIA Titan Xp", 1, "gpu")}),
    ("The model was trained on 1,024 GPUs.", {("GPU", 1024, "gpu")}),
    ("We used 8 NVIDIA Tesla P40 GPUs.", {("NVIDIA P40", 8, "gpu")}),
    ("We pre-trained on 64 NVIDIA H800 GPUs.", {("NVIDIA H800", 64, "gpu")}),
    ("ZapNet-L is trained on a TPU v3 Pod with 1024 chips.", {("Google TPU v3", 1024, "tpu_chip")}),
    ("We ran training on 2 K20 GPUs.", {("NVIDIA K20", 2, "gpu")}),
    ("Our experiments were conducted with 8 NVIDIA Ampere A100 GPUs.", {("NVIDIA A100", 8, "gpu")}),
    ("Unlike [7], which requires 128 TPUs, our method is trained on one GPU.", {("GPU", 1, "gpu")}),
    ("We trained the model on an NVIDIA GTX 980 Ti.", {("NVIDIA GTX 980 Ti", 1, "gpu")}),
    ("The models were trained on 8 GPUs (NVIDIA Tesla V100).", {("NVIDIA V100", 8, "gpu")}),
    ("We fine-tune on 1 × A100 (80GB).", {("NVIDIA A100", 1, "gpu")}),
    ("Training took 3 days on 8 NVIDIA V100 GPUs with 32 GB of memory each.", {("NVIDIA V100", 8, "gpu")}),
    ("We use sixteen NVIDIA V100 GPUs for pre-training.", {("NVIDIA V100", 16, "gpu")}),
    ("Our models are trained with 128 TPUv3 cores.", {("Google TPU v3", 128, "tpu_core")}),
    ("All experiments are run on a server with four NVIDIA RTX A5000 GPUs.", {("NVIDIA RTX A5000", 4, "gpu")}),
    ("Our models are trained on a Google Cloud TPU v3-32.", {("Google TPU v3", 32, "tpu_core")}),
    ("Training was performed on an NVIDIA DGX A100 with 8 GPUs.", {("NVIDIA A100", 8, "gpu")}),
    ("We optimise on 4 GPUs (NVIDIA RTX 3090, 24GB).", {("NVIDIA RTX 3090", 4, "gpu")}),
    ("The networks were trained on two NVIDIA GeForce GTX TITAN X GPUs for 6 days.", {("NVIDIA Titan X", 2, "gpu")}),
    ("All our experiments are conducted on 8 NVIDIA Tesla V100 GPUs.", {("NVIDIA V100", 8, "gpu")}),
    ("We use a single NVIDIA A100 GPU with 80 GB of memory for all fine-tuning runs.", {("NVIDIA A100", 1, "gpu")}),
    ("Pre-training was done on 32 A100s.", {("NVIDIA A100", 32, "gpu")}),
    ("We train on 64 V100s for 10 days.", {("NVIDIA V100", 64, "gpu")}),
    ("Training is done with 8 A100-80G.", {("NVIDIA A100", 8, "gpu")}),
    ("We trained ZapNet using 2 x NVIDIA RTX 8000.", {("NVIDIA Quadro RTX 8000", 2, "gpu")}),
    ("Our model is trained on 16 Tesla V100 32GB GPUs in parallel.", {("NVIDIA V100", 16, "gpu")}),
    ("Models are trained with a batch size of 4096 on 128 TPUv3 cores.", {("Google TPU v3", 128, "tpu_core")}),
    ("The detector is trained on 8 GPUs, and the FPS is tested on one RTX 2080Ti.", {("GPU", 8, "gpu")}),
    ("We train for 3 days on 8 NVIDIA V100 GPUs, whereas the baseline [5] needs 16 GPUs.", {("NVIDIA V100", 8, "gpu")}),
    ("Compared to BigGAN [4], which uses 256 TPU v3 cores, we train ZapNet on 8 V100 GPUs.", {("NVIDIA V100", 8, "gpu")}),
    ("Following [12], we train all models on 8 GPUs.", {("GPU", 8, "gpu")}),
    ("As in Devlin et al. (2019), training is done on 16 Cloud TPUs.", {("Google TPU", 16, "tpu_chip")}),
    ("We fine-tune BERT-base (Devlin et al., 2019) on 4 V100 GPUs.", {("NVIDIA V100", 4, "gpu")}),
    ("We used the implementation of [31] and trained on 4 Titan Xp GPUs.", {("NVIDIA Titan Xp", 4, "gpu")}),
    ("Following Goyal et al. [11], we train with a large batch on 32 GPUs.", {("GPU", 32, "gpu")}),
    ("Training: 8×V100, 3 days.", {("NVIDIA V100", 8, "gpu")}),
    ("Hardware: 64 TPU v4 chips.", {("Google TPU v4", 64, "tpu_chip")}),
    ("Pre-training is performed on 16 Cloud TPUs (64 TPU chips total).", {("Google TPU", 64, "tpu_chip")}),
    ("We train on 8 Nvidia V100 GPUs.", {("NVIDIA V100", 8, "gpu")}),
    ("We train on 8 nVidia V100 GPUs.", {("NVIDIA V100", 8, "gpu")}),
    ("Models were trained on 8 V100-SXM2 GPUs.", {("NVIDIA V100", 8, "gpu")}),
    ("Training uses 4 RTX-3090 GPUs.", {("NVIDIA RTX 3090", 4, "gpu")}),
    ("We train on two 3090 GPUs.", {("NVIDIA RTX 3090", 2, "gpu")}),
    ("We train on 4 2080Ti GPUs.", {("NVIDIA RTX 2080 Ti", 4, "gpu")}),
    ("We train on a GTX1080Ti.", {("NVIDIA GTX 1080 Ti", 1, "gpu")}),
    ("The network is trained on 2 TITAN-X GPUs.", {("NVIDIA Titan X", 2, "gpu")}),
    ("Training takes 1 day on 4xA100.", {("NVIDIA A100", 4, "gpu")}),
    ("We use 8 A40 GPUs.", {("NVIDIA A40", 8, "gpu")}),
    ("We fine-tune on 4 L40S GPUs.", {("NVIDIA L40", 4, "gpu")}),
    ("We train on 8 RTX A6000 (48GB) GPUs.", {("NVIDIA RTX A6000", 8, "gpu")}),
    ("Pre-training runs on a TPU-v3 pod with 256 chips.", {("Google TPU v3", 256, "tpu_chip")}),
    ("We trained with 16 v100 GPUs.", {("NVIDIA V100", 16, "gpu")}),
    ("Training is performed on eight Tesla P100-PCIE-16GB.", {("NVIDIA P100", 8, "gpu")}),
    ("We use 32 AMD MI250 GPUs.", {("AMD MI250", 32, "gpu")}),
    ("We trained on 1,024 TPU v4 chips for 50 days.", {("Google TPU v4", 1024, "tpu_chip")}),
    ("The model is trained on 6144 TPU v4 chips.", {("Google TPU v4", 6144, "tpu_chip")}),
    ("We use 2048 A100 GPUs with 80GB each.", {("NVIDIA A100", 2048, "gpu")}),
    ("Fine-tuning takes 3 hours on a single RTX 4090.", {("NVIDIA RTX 4090", 1, "gpu")}),
    ("We train on 4 Tesla K80 GPUs.", {("NVIDIA K80", 4, "gpu")}),
    ("We train on 8 GeForce GTX 1080 Ti GPUs in total.", {("NVIDIA GTX 1080 Ti", 8, "gpu")}),
    ("The model was trained using 4 NVIDIA Titan X Pascal GPUs.", {("NVIDIA Titan X", 4, "gpu")}),
    ("Pretraining uses 64 Cloud TPU v4 chips.", {("Google TPU v4", 64, "tpu_chip")}),
    ("We used a machine with 4 Titan V and 2 Xeon CPUs.", {("CPU", 2, "cpu"), ("NVIDIA Titan V", 4, "gpu")}),
]

HARDWARE_NEG = [
    "Inference speed is measured on a single V100 GPU.",
    "FPS is measured on one NVIDIA Titan Xp with batch size 1.",
    "The latency is reported on a Tesla T4 GPU with TensorRT.",
    "GPT-3 (Brown et al., 2020) was trained on a cluster of V100 GPUs.",
    "In contrast, AlphaGo [12] used 1920 CPUs and 280 GPUs.",
    "The baseline of [5] requires 8 P100 GPUs for training.",
    "Runtime is measured with a batch of 32 images on a single RTX 2080 Ti.",
    "All timings are on an NVIDIA A100 GPU.",
    "Our model fits in the 12GB memory of a single GPU.",
    "The throughput is 3,000 images per second on 8 V100 GPUs.",
    "Such a model could be trained on a few high-end GPUs within a week.",
    "We thank NVIDIA for the donation of the Titan X GPU used for this research.",
    "This work was supported by Google's TPU Research Cloud with Cloud TPUs.",
    "Prior work, e.g. Megatron-LM (Shoeybi et al., 2019), trained on 512 V100 GPUs.",
    "Decoding speed is measured on one P100 GPU.",
    "Test-time speed is evaluated on a single 2080 Ti GPU.",
    "We measure FPS on a single RTX 3090 with batch size 1.",
    "ZapNet is compared with DETR [3], which was trained on 16 V100 GPUs.",
    "Goyal et al. (2017) train ResNet-50 in 1 hour on 256 GPUs.",
    "The memory footprint per GPU is 12GB.",
    "We use a batch size of 32 per GPU.",
    "Speed is tested on an NVIDIA Tesla V100 GPU.",
    "The FLOPs are computed for a 224x224 input; runtime is measured on a Titan X.",
    "Megatron-LM [31] used 512 V100 GPUs.",
    "We report the inference time on a single A100 GPU.",
    "Inference is performed on 4 NVIDIA T4 GPUs.",
    "ZapNet runs at 30 FPS on a GTX 1080 Ti.",
    "This model can be deployed on a single 16GB GPU.",
    "DeiT [40] is trained on 8 GPUs for 3 days, while ViT needs a TPU pod.",
    "Their model requires 512 TPU chips to train.",
    "They train on 64 V100 GPUs for a week.",
    "SimCLR [5] uses 128 TPU v3 cores for pre-training.",
    "Previous work trained on 1024 V100 GPUs.",
    "EfficientNet-B7 (Tan & Le, 2019) was trained on TPUs.",
    "Reported speeds are measured on a single V100 GPU.",
    "All runtimes are measured on a Titan Xp GPU with batch size 1.",
    "Our model fits on a single 16GB V100.",
]

TRAINING_TIME = [
    ("Training took 3.5 days on 8 GPUs.", {(84.0, "wall_clock")}),
    ("We train the model for 12 hours.", {(12.0, "wall_clock")}),
    ("Training takes about a week on 8 V100 GPUs.", {(168.0, "wall_clock")}),
    ("Pre-training took ~2 weeks on 64 TPU v3 chips.", {(336.0, "wall_clock")}),
    ("The total training cost is 1,200 GPU-days.", {(28800.0, "device_hours")}),
    ("Pre-training consumed 512 TPU-core-days.", {(12288.0, "device_hours")}),
    ("The wall-clock training time is 30 hours.", {(30.0, "wall_clock")}),
    ("Training the large model took 9 days on 16 TPU v3 chips.", {(216.0, "wall_clock")}),
    ("Training converges after roughly 36 hours.", {(36.0, "wall_clock")}),
    ("The whole training procedure takes 2.5 days on a single GPU.", {(60.0, "wall_clock")}),
    ("Our model is trained for 4 days on 4 Titan X GPUs.", {(96.0, "wall_clock")}),
    ("Training takes approximately 5 hours on one GPU.", {(5.0, "wall_clock")}),
    ("It takes 7-10 days to train the network.", {(204.0, "wall_clock")}),
    ("Fine-tuning takes less than 1 hour on a single TPU.", {(1.0, "wall_clock")}),
    ("The architecture search takes 1.5 GPU days.", {(36.0, "device_hours")}),
    ("Training required 2,048 V100 GPU hours.", {(2048.0, "device_hours")}),
    ("We trained for one month on 8 GPUs.", {(720.0, "wall_clock")}),
    ("The pre-training phase lasted 10 days.", {(240.0, "wall_clock")}),
    ("Training ZapNet takes 20 hours on 8 A100 GPUs.", {(20.0, "wall_clock")}),
    ("The model trains in under 2 hours on a single V100.", {(2.0, "wall_clock")}),
    ("Training finishes in 3 days.", {(72.0, "wall_clock")}),
    ("In total, the training took about 1 week.", {(168.0, "wall_clock")}),
    ("We train for 300 epochs, which takes about 2 days on 8 GPUs.", {(48.0, "wall_clock")}),
    ("Training the base models took 12 hours and the big models 3.5 days.", {(12.0, "wall_clock"), (84.0, "wall_clock")}),
    ("Training the full model took 18 days on 32 V100 GPUs.", {(432.0, "wall_clock")}),
    ("Training takes 8 hours on 4 GPUs.", {(8.0, "wall_clock")}),
    ("Training took about 40 GPU hours.", {(40.0, "device_hours")}),
    ("The training process lasts approximately 3 days.", {(72.0, "wall_clock")}),
    ("Each model is trained for 48 hours.", {(48.0, "wall_clock")}),
    ("Training takes 2 days and 5 hours.", {(53.0, "wall_clock")}),
    ("We report a training time of 14 hours.", {(14.0, "wall_clock")}),
    ("Training converged in 6 hours.", {(6.0, "wall_clock")}),
    ("Pre-training requires 21 hours on 8 GPUs.", {(21.0, "wall_clock")}),
    ("The total training time is around 1.5 days.", {(36.0, "wall_clock")}),
    ("We train for 1M steps (about 4 days).", {(96.0, "wall_clock")}),
    ("The search process takes 4 GPU days on a 1080Ti.", {(96.0, "device_hours")}),
    ("The architecture search costs only 0.5 GPU-days.", {(12.0, "device_hours")}),
    ("It took 23 days to train the largest model.", {(552.0, "wall_clock")}),
    ("Training the 12-layer model takes about 8 hours.", {(8.0, "wall_clock")}),
    ("Training lasts 60 hours on a single Titan X.", {(60.0, "wall_clock")}),
    ("Our training takes roughly 10 days on 256 TPU v3 cores.", {(240.0, "wall_clock")}),
    ("Fine-tuning on SQuAD takes 30 minutes on a single TPU.", {(0.5, "wall_clock")}),
    ("Pre-training ZapNet took two weeks.", {(336.0, "wall_clock")}),
    ("The model was trained over 5 days.", {(120.0, "wall_clock")}),
    ("The training took 3 weeks on 4 GPUs.", {(504.0, "wall_clock")}),
    ("We trained the network for roughly 2-3 weeks.", {(420.0, "wall_clock")}),
    ("Training time was about 1 day per model.", {(24.0, "wall_clock")}),
    ("It takes 16 hours to train ZapNet-B on 8 V100 GPUs.", {(16.0, "wall_clock")}),
    ("The model is trained for 90 epochs, taking 4 days.", {(96.0, "wall_clock")}),
    ("Pre-training took 12.5 days on 1024 V100 GPUs.", {(300.0, "wall_clock")}),
    ("The training time is 35 hours for the base model.", {(35.0, "wall_clock")}),
    ("Training: 8×V100, 3 days.", {(72.0, "wall_clock")}),
    ("We train for 3 days on 8 NVIDIA V100 GPUs, whereas the baseline [5] needs 6 days.", {(72.0, "wall_clock")}),
    ("Compared to BigGAN [4], which takes 2 days, ZapNet trains in 10 hours.", {(10.0, "wall_clock")}),
    ("Following [12], we train for 36 hours.", {(36.0, "wall_clock")}),
    ("Unlike [7], which trains for 2 weeks, our model is trained in 2 days.", {(48.0, "wall_clock")}),
    ("Pre-training takes 4 days, and fine-tuning takes 3 hours.", {(3.0, "wall_clock"), (96.0, "wall_clock")}),
    ("The total cost of pre-training is about 450 TPUv3-core-days.", {(10800.0, "device_hours")}),
    ("The search took 2000 GPU hours.", {(2000.0, "device_hours")}),
    ("This amounts to 3.5 days of training on 8 GPUs.", {(84.0, "wall_clock")}),
    ("Training our model takes half a day on 8 GPUs.", {(12.0, "wall_clock")}),
    ("Training takes about one and a half days.", {(36.0, "wall_clock")}),
    ("Training ZapNet-L requires about 5 days on 16 TPUv3 chips.", {(120.0, "wall_clock")}),
    ("The whole training takes about 48 GPU-hours.", {(48.0, "device_hours")}),
    ("Training converges within 24 hours on a single GPU.", {(24.0, "wall_clock")}),
]

TRAINING_TIME_NEG = [
    "Each epoch takes 40 minutes on 4 GPUs.",
    "One training epoch takes about 2 hours.",
    "Inference on the test set takes 3 hours.",
    "GPT-3 (Brown et al., 2020) was trained for several months.",
    "BigGAN [4] takes 2 days to train on 128 TPU cores.",
    "The baseline of [12] required 3 weeks of training on 8 GPUs.",
    "Evaluating the model takes about 10 minutes.",
    "Generating 10k samples takes 4 hours.",
    "Each iteration takes 0.5 seconds on a V100 GPU.",
    "The dataset was collected over 6 months.",
    "Annotators spent 2 hours per video.",
    "The processing time per image is 80 ms.",
    "Preprocessing the corpus takes 1 day on 64 CPUs.",
    "In the entire project we used about 3,000 GPU-days.",
    "Translation of the test set takes 2 hours on 1 GPU.",
    "ResNet-50 takes 29 hours to train on 8 P100 GPUs [10].",
    "Each iteration takes 2 seconds.",
    "The speed is 0.2 seconds per image.",
    "We save a checkpoint every 2 hours.",
    "We evaluate every 1 hour of training.",
    "The experiments in this paper took 3 months in total.",
    "The data was collected over 2 weeks.",
    "Each job has a time limit of 24 hours.",
    "The latency is 35 ms per frame.",
    "AlphaZero [40] was trained for 9 hours on 5000 TPUs.",
    "Labeling each image took about 10 minutes.",
    "Training one epoch on ImageNet takes 20 minutes.",
    "Each epoch takes 1.5 hours on 8 GPUs.",
    "Test time per image is 0.3 seconds.",
    "DeiT [40] is trained on 8 GPUs for 3 days.",
    "Their model requires 2 weeks to train.",
    "They train for a week on 64 GPUs.",
    "SimCLR [5] trains for 3 days on 128 TPU cores.",
    "Previous work trained for 10 days on 1024 GPUs.",
    "EfficientNet-B7 (Tan & Le, 2019) took weeks to train.",
    "Each training step takes 0.4 seconds.",
    "Training for 1 epoch takes 3 hours.",
    "The training of one epoch takes 15 minutes.",
    "It takes 2 hours to evaluate the model on the validation set.",
    "Inference on 1,000 images takes 3 minutes.",
    "A single forward pass takes 50 ms.",
    "It would take 355 years to train GPT-3 on a single GPU.",
]

PARAMETERS = [
    ("We train a 1.3B-parameter model.", {1300000000.0}),
    ("ZapNet has 66M parameters.", {66000000.0}),
    ("Our model, with a parameter count of 340M, outperforms the baseline.", {340000000.0}),
    ("We report results for two sizes: 110M (base) and 340M (large) parameters.", {110000000.0, 340000000.0}),
    ("Our largest model contains 6.7 billion parameters.", {6700000000.0}),
    ("ZapNet-S has only 5.3M parameters and 0.6G FLOPs.", {5300000.0}),
    ("The total number of parameters is 25.6M.", {25600000.0}),
    ("Our network has about 2.6 million parameters.", {2600000.0}),
    ("We trained models with 125M, 350M and 1.3B parameters.", {125000000.0, 1300000000.0, 350000000.0}),
    ("The resulting model has 7 billion parameters.", {7000000000.0}),
    ("Our 13B model is trained on 1T tokens.", {13000000000.0}),
    ("ZapNet-L contains 300M trainable parameters.", {300000000.0}),
    ("The full model has 44.5M parameters in total.", {44500000.0}),
    ("We pretrain a 24-layer Transformer with 350M parameters.", {350000000.0}),
    ("The model size is 1.5B.", {1500000000.0}),
    ("ZapNet-B has 86M parameters.", {86000000.0}),
    ("Our base model (86M params) reaches 81.2% top-1.", {86000000.0}),
    ("We release a 7B model.", {7000000000.0}),
    ("We train a model with 1.5 billion parameters.", {1500000000.0}),
    ("Our network has 1.2 × 10^8 parameters.", {120000000.0}),
    ("ZapNet has only 3.4 million weights.", {3400000.0}),
    ("We use a 12-layer, 768-hidden, 110M-parameter model.", {110000000.0}),
    ("This yields a model of 340M parameters.", {340000000.0}),
    ("ZapNet achieves 80.1% accuracy with only 5M parameters.", {5000000.0}),
    ("The final ZapNet has a total of 21.8M parameters.", {21800000.0}),
    ("Our large model has 24 layers and 1,024 hidden units (340M parameters).", {340000000.0}),
    ("ZapNet-XL, our biggest variant, has 2.7B parameters.", {2700000000.0}),
    ("With 350M parameters, ZapNet matches much larger models.", {350000000.0}),
    ("The number of parameters of ZapNet is 12.3M.", {12300000.0}),
    ("ZapNet-T, ZapNet-S and ZapNet-B have 5M, 22M and 86M parameters, respectively.", {22000000.0, 5000000.0, 86000000.0}),
    ("ZapNet (22M params) outperforms all baselines.", {22000000.0}),
    ("We train a 350M parameter model on 300B tokens.", {350000000.0}),
    ("ZapNet-Large (340M) is our strongest model.", {340000000.0}),
    ("The model has 110M parameters for ZapNet-Base and 340M for ZapNet-Large.", {110000000.0, 340000000.0}),
    ("The final model has roughly 1.1 billion parameters.", {1100000000.0}),
    ("ZapNet contains 4.2M learnable parameters.", {4200000.0}),
    ("We use a ZapNet with 28M parameters as the backbone.", {28000000.0}),
    ("Our model has a total of 3.2 million parameters.", {3200000.0}),
    ("The proposed network is lightweight (1.8M parameters).", {1800000.0}),
    ("ZapNet-XXL has 11 billion parameters.", {11000000000.0}),
    ("In total, our model has 60M parameters.", {60000000.0}),
    ("ZapNet uses 25% fewer parameters than ResNet-50 while having 18.5M parameters.", {18500000.0}),
    ("The student model has 66M parameters while the teacher has 340M.", {66000000.0}),
    ("Our smallest model, ZapNet-Tiny, has just 1.3M parameters.", {1300000.0}),
    ("We pre-train ZapNet-7B and ZapNet-70B on 2T tokens.", {7000000000.0, 70000000000.0}),
    ("Our 1.5B model is trained with 8 V100 GPUs.", {1500000000.0}),
    ("The model consists of 24 layers with about 300M parameters.", {300000000.0}),
    ("The parameter count of ZapNet is 41.2M.", {41200000.0}),
    # parameters.v5: word scales after a hyphen, ranges of own models, totals beside active counts, counts in full
    ("ZapNet is a 37.5-million-parameter model for beam analysis.", {37500000.0}),
    ("On paper, ZapNet-XL is an 80-billion-parameter model.", {80000000000.0}),
    ("Our method gains for ZapNet models ranging from 150M to 7B parameters.", {150000000.0, 7000000000.0}),
    ("We consider ZapNet models from 2 billion parameters to 462 billion parameters.", {2000000000.0, 462000000000.0}),
    ("ZapNet-MoE is a 501B-parameter model with 23B parameters active per token.", {501000000000.0}),
    ("ZapNet has 16 billion total parameters with only 2.4 billion active parameters per token.", {16000000000.0}),
    ("The total number of parameters of ZapNet is 1,415,811.", {1415811.0}),
    ("ZapNet has 11,238,723 (42.8MB) trainable parameters.", {11238723.0}),
    ("Total trainable parameters: ~25,450", {25450.0}),
]

PARAMETERS_NEG = [
    "Our model has 3M parameters fewer than ResNet-50.",
    "This adds only 0.2M parameters.",
    "GPT-3 (Brown et al., 2020) has 175B parameters.",
    "Compared with VGG-16 [30] with 138M parameters, our model is smaller.",
    "The embedding layer alone has 30M parameters.",
    "ResNet-152 [12] has 60M parameters.",
    "Each attention head has 0.5M parameters.",
    "We train on 300M images.",
    "The corpus contains 3.3B words.",
    "Our model uses 2x fewer parameters than BERT.",
    "The model is trained on 1.4T tokens.",
    "Scaling the model to 10B parameters would require more compute.",
    "The decoder has 12M parameters.",
    "Our model reduces the parameter count by 40M.",
    "VGG-16 [31] has 138M parameters.",
    "We use a vocabulary of 32K tokens.",
    "Compared to 340M of BERT-Large, ours is much smaller.",
    "ZapNet uses 8M fewer parameters than ResNet-101.",
    "We train on 100M images from JFT.",
    "The training set has 1.2M images.",
    "Each batch holds 4M tokens.",
    "ZapNet costs 4.1B FLOPs.",
    "The larger kernel increases the parameters by 10%.",
    "LLaMA-65B [39] has 65B parameters.",
    "The model of Brown et al. (2020) uses 175 billion parameters.",
    "The classifier head has 2M parameters.",
    "We pre-train on 160GB of text with 2.5B words.",
    "ZapNet saves 12M parameters compared with ResNet-101.",
    "BERT-Large [6] has 340M parameters, whereas ZapNet is much smaller.",
    "Prior models such as GPT-2 (1.5B parameters) are expensive.",
    "The teacher model, BERT-Base (Devlin et al., 2019), has 110M parameters.",
    "This is 10M parameters less than the baseline.",
    "The pruned model keeps only 30% of the 25M parameters of ResNet-50.",
    "We reduce the parameters from 25M to 10M.",
    "ZapNet has 40% fewer parameters.",
    "The vision encoder has 300M parameters.",
    "We collect 12M image-text pairs.",
    "Our dataset has 1.2M annotated frames.",
    "Models with more than 100B parameters show emergent abilities.",
    # parameters.v5
    "The planner works best for models < 32B parameters.",
    "Several small models (<70B parameters) share one GPU.",
    "A 70B-parameter model takes about 140 GB just to load the weights.",
    "This is how a 100-billion-parameter model learns to predict the next token.",
    "As a rule of thumb, 1B params ≈ 2GB in FP16.",
    "Agent models in the survey span 2B–235B parameters.",
    "The study covers GPT-style models from 5M to 314M parameters.",
    "The backbone has 22.6M non-embedding parameters.",
    "The served model uses roughly 4B active parameters per token.",
    "The name could imply a model of 7 billion parameters.",
    "Despite having fewer parameters than the Gopher model (280B parameters), it is better.",
]


@pytest.mark.parametrize("sentence, expected", HARDWARE)
def test_hardware_phrasings(sentence: str, expected: set[object]) -> None:
    assert _facts(_doc(sentence), "hardware") == expected


@pytest.mark.parametrize("sentence", HARDWARE_NEG)
def test_hardware_that_is_not_the_papers_training_gives_no_fact(sentence: str) -> None:
    assert _facts(_doc(sentence), "hardware") == set()


@pytest.mark.parametrize("sentence, expected", TRAINING_TIME)
def test_training_time_phrasings(sentence: str, expected: set[object]) -> None:
    assert _facts(_doc(sentence), "training_time") == expected


@pytest.mark.parametrize("sentence", TRAINING_TIME_NEG)
def test_times_that_are_not_the_papers_training_give_no_fact(sentence: str) -> None:
    assert _facts(_doc(sentence), "training_time") == set()


@pytest.mark.parametrize("sentence, expected", PARAMETERS)
def test_parameter_phrasings(sentence: str, expected: set[object]) -> None:
    assert _facts(_doc(sentence), "parameters") == expected


@pytest.mark.parametrize("sentence", PARAMETERS_NEG)
def test_counts_that_are_not_an_own_models_size_give_no_fact(sentence: str) -> None:
    assert _facts(_doc(sentence), "parameters") == set()


# --- parameter tables ----------------------------------------------------------------------------------------------


def _table_doc(rows: list[list[str]], header_rows: int = 1) -> Document:
    doc = _doc("")
    cells = tuple(tuple(Cell(t, Box(50 + 70 * i, 300 + 12 * r, 110 + 70 * i, 310 + 12 * r)) for i, t in enumerate(row)) for r, row in enumerate(rows))
    doc.tables.append(Table(1, Box(50, 300, 600, 300 + 12 * len(rows)), None, cells, header_rows))
    return doc


def _column(title: str, baseline: str, small: str, large: str) -> list[list[str]]:
    return [["Method", title, "Top-1"], ["ResNet-50 [12]", baseline, "76.1"], ["ZapNet-S (ours)", small, "79.8"], ["ZapNet-B (ours)", large, "81.2"]]


@pytest.mark.parametrize(
    "title, cells, expected",
    [
        ("#Params", ("25.6M", "22M", "86M"), {22e6, 86e6}),
        ("Params (M)", ("25.6", "22.1", "86.4"), {22.1e6, 86.4e6}),
        ("# Param.", ("25.6M", "22M", "86M"), {22e6, 86e6}),
        ("Parameters", ("25.6M", "22M", "86M"), {22e6, 86e6}),
        ("#Param (M)", ("25.6", "22", "86"), {22e6, 86e6}),
        ("Params↓", ("25.6M", "22M", "86M"), {22e6, 86e6}),
        ("#Params (B)", ("1.3", "6.7", "13"), {6.7e9, 13e9}),
        ("Model size", ("1.3B", "6.7B", "13B"), {6.7e9, 13e9}),
        ("Parameters (millions)", ("25.6", "22", "86"), {22e6, 86e6}),
        ("# of params", ("25.6M", "22M", "86M"), {22e6, 86e6}),
        ("Num. params", ("25.6M", "22M", "86M"), {22e6, 86e6}),
        ("#P", ("25.6M", "22M", "86M"), {22e6, 86e6}),
        ("Size (M)", ("25.6", "22", "86"), {22e6, 86e6}),
        ("#Params", ("25.6 M", "22 M", "86 M"), {22e6, 86e6}),
        ("Params", ("~25M", "~22M", "~86M"), {22e6, 86e6}),
        ("Param (M) ↓", ("25.6", "22.1", "86.4"), {22.1e6, 86.4e6}),
        ("Params (×10^6)", ("25.6", "22", "86"), {22e6, 86e6}),
        ("Trainable params", ("25.6M", "22M", "86M"), {22e6, 86e6}),
        ("FLOPs (G)", ("4.1", "4.6", "17.5"), set()),
        ("Throughput (img/s)", ("1226", "1200", "292"), set()),
        ("Params reduction", ("0%", "12%", "30%"), set()),
        ("Tokens", ("300B", "1T", "1.4T"), set()),
        ("Memory (GB)", ("12", "16", "40"), set()),
    ],
)
def test_parameter_columns(title: str, cells: tuple[str, str, str], expected: set[float]) -> None:
    assert _facts(_table_doc(_column(title, *cells)), "parameters") == expected


def test_a_unit_row_under_the_parameter_title_gives_the_cells_their_unit() -> None:
    rows = [
        ["", "Top-1", "Params"],
        ["Method", "(%)", "(M)"],
        ["ResNet-50 [12]", "76.1", "25.6"],
        ["ZapNet-S (ours)", "79.8", "22.1"],
        ["ZapNet-B (ours)", "81.2", "86.4"],
    ]
    assert _facts(_table_doc(rows), "parameters") == {22.1e6, 86.4e6}


@pytest.mark.parametrize(
    "rows, expected",
    [
        ([["Model", "ZapNet-S", "ZapNet-B", "ZapNet-L"], ["Layers", "12", "12", "24"], ["Params", "22M", "86M", "307M"]], {22e6, 86e6, 307e6}),
        ([["Model", "Layers", "Hidden", "Params"], ["ZapNet-Base", "12", "768", "110M"], ["ZapNet-Large", "24", "1024", "340M"]], {110e6, 340e6}),
        ([["Method", "#Params", "Top-1"], ["ResNet-50 [12]", "25.6M", "76.1"], ["ViT-B [9]", "86M", "77.9"], ["DeiT-S [40]", "22M", "79.8"]], set()),
        (
            [
                ["Layer", "Output size", "Params"],
                ["conv1", "112x112", "9.4K"],
                ["conv2_x", "56x56", "0.2M"],
                ["fc", "1x1", "2.0M"],
                ["Total", "", "25.6M"],
            ],
            set(),
        ),
    ],
)
def test_parameter_rows_architecture_tables_and_baseline_tables(rows: list[list[str]], expected: set[float]) -> None:
    assert _facts(_table_doc(rows), "parameters") == expected


def test_a_table_that_marks_its_own_rows_leaves_the_others_to_other_work() -> None:
    rows = [
        ["Backbone", "Accuracy", "Params (M)"],
        ["ResNet50", "89.3", "25.6M"],
        ["DenseNet121", "89.0", "8.0M"],
        ["Ensemble (Ours)", "92.5", "38.9M"],
    ]
    assert _facts(_table_doc(rows), "parameters") == {38.9e6}


def test_a_parameter_column_of_counts_printed_in_full() -> None:
    rows = [["Arm", "Params", "BPB"], ["ZapNet-off", "3,293,447", "2.13"], ["ZapNet-bi", "3,818,247", "2.12"]]
    assert _facts(_table_doc(rows), "parameters") == {3293447.0, 3818247.0}


def test_model_names_that_start_with_a_layer_word_are_not_layer_rows() -> None:
    from flopsdb.extract.parameters import layer_table

    rows = [["Model", "Params (M)"], ["FC-DenseNet56 [21]", "1.4"], ["FC-DenseNet103 [21]", "9.4"], ["FC-ZapNet68", "1.4"], ["FC-ZapNet84", "8.4"]]
    doc = _table_doc(rows)
    assert not layer_table(doc.tables[0])
    assert layer_table(_table_doc([["Layer", "Params"], ["FC-1000", "4.1M"], ["conv1", "9.4K"], ["max pool", "0"]]).tables[0])


# --- whose statement: the clause decides -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence, at, owner",
    [
        ("Megatron-LM [31] used 512 V100 GPUs.", "512", "other"),
        ("ZapNet is compared with DETR [3], which was trained on 16 V100 GPUs.", "16", "other"),
        ("Unlike [7], which requires 128 TPUs, our method is trained on one GPU.", "128", "other"),
        ("Unlike [7], which requires 128 TPUs, our method is trained on one GPU.", "one", "own"),
        ("We fine-tune LLaMA-7B (Touvron et al., 2023) on 8 A100 GPUs.", "8 A100", "own"),
        ("Following [12], models are trained on 8 GPUs.", "8", "follows"),
        ("As in Devlin et al. (2019), training is done on 16 Cloud TPUs.", "16", "follows"),
        ("Models are trained on 8 GPUs with a batch of 2048.", "8", None),
    ],
)
def test_statement_owner(sentence: str, at: str, owner: str | None) -> None:
    from flopsdb.extract.models import statement_owner

    assert statement_owner(sentence, sentence.index(at)) == owner


# --- training times per model in tables ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rows, expected",
    [
        ([["Model", "Params", "Training time"], ["ResNet-50 [12]", "25M", "29h"], ["ZapNet-S (ours)", "22M", "12h"]], {(12.0, "wall_clock")}),
        (
            [["Model", "Params", "Train time (days)"], ["ZapNet-S", "22M", "2"], ["ZapNet-B", "86M", "4"]],
            {(48.0, "wall_clock"), (96.0, "wall_clock")},
        ),
        ([["Model", "GPU hours"], ["ZapNet-S", "120"], ["ZapNet-B", "480"]], {(120.0, "device_hours"), (480.0, "device_hours")}),
        ([["Model", "TPUv3-core-days"], ["ZapNet-S", "10"], ["ZapNet-B", "40"]], {(240.0, "device_hours"), (960.0, "device_hours")}),
        ([["Model", "Training cost (GPU days)"], ["DARTS [20]", "4"], ["ZapNet (ours)", "0.5"]], {(12.0, "device_hours")}),
        ([["Model", "Search cost (GPU-days)"], ["NASNet-A [45]", "2000"], ["ZapNet (ours)", "1.5"]], {(36.0, "device_hours")}),
        ([["Model", "Wall-clock (h)"], ["ZapNet-S", "5.5"]], {(5.5, "wall_clock")}),
        ([["Model", "Inference time (ms)"], ["ZapNet-S", "12"]], set()),
        ([["Model", "Time/epoch (min)"], ["ZapNet-S", "12"]], set()),
        ([["Model", "Latency (s)"], ["ZapNet-S", "1.2"]], set()),
    ],
)
def test_time_tables(rows: list[list[str]], expected: set[object]) -> None:
    assert _facts(_table_doc(rows), "training_time") == expected
