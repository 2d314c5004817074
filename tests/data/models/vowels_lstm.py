# A stacked LSTM for the Japanese vowels demo (270 utterances, up to 26 frames of 12 coefficients,
# 9 speakers), written the way such models are pasted into questions. It has three mistakes that
# Keras alone never reports: the mask value is not the pad value, the last LSTM returns sequences
# although there is one speaker per utterance, and the loss wants one-hot labels.
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([
    layers.Masking(mask_value=-1.0, input_shape=(26, 12)),
    layers.LSTM(64, return_sequences=True),
    layers.LSTM(32, return_sequences=True),
    layers.Dense(9, activation="softmax"),
])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
model.summary()
