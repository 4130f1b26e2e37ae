package io.churnwire.trainer.score;

/**
 * One feature among those that moved a customer's score most.
 *
 * @param feature the feature's name
 * @param contribution its additive share, on the model's contribution scale
 */
public record Factor(String feature, double contribution) {}
