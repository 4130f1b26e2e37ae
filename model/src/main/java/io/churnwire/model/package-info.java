/**
 * Trains, selects, evaluates, explains, persists and registers the Churnwire churn model.
 *
 * <p>Nothing here knows about protobuf or gRPC: the server translates wire messages into a
 * {@code double[]} row in {@link io.churnwire.model.FeatureSchema} order and asks a
 * {@link io.churnwire.model.ChurnModel} for the churn probability (and, on request, an
 * {@link io.churnwire.model.Explanation}). {@link io.churnwire.model.ModelTrainer} produces a model
 * and its {@link io.churnwire.model.ModelReport}; {@link io.churnwire.model.ModelRegistry} keeps
 * immutable versions and the production pointer that the server follows.
 */
package io.churnwire.model;
