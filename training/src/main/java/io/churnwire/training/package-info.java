/**
 * Trains, selects, evaluates, explains, persists and registers the Churnwire churn model.
 *
 * <p>Nothing here knows about protobuf or gRPC: the server translates wire messages into a
 * {@code double[]} row in {@link io.churnwire.runtime.FeatureSchema} order and asks a
 * {@link io.churnwire.runtime.ChurnModel} for the churn probability (and, on request, an
 * {@link io.churnwire.runtime.Explanation}). {@link io.churnwire.training.ModelTrainer} produces a model
 * and its {@link io.churnwire.training.ModelReport}; {@link io.churnwire.runtime.ModelRegistry} keeps
 * immutable versions and the production pointer that the server follows.
 */
package io.churnwire.training;
