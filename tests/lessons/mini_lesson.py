"""The first step every small test lesson starts with: the lecture's perceptron, x = (95, 4)
territory (w = (0.01, 0.02), b = 0.001). Tests add the steps they break or check."""

SETUP = '''
title = "Mini"

[[steps]]
title = "Setup"
dataset = { name = "lecture" }
network = { layers = [2, 1], activations = ["sigmoid"], loss = "mse", weights = [[[0.01, 0.02]]], biases = [[0.001]] }
'''
