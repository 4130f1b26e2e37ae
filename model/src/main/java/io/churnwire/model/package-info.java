/**
 * Trains, evaluates, persists and scores the Churnwire churn model.
 *
 * <p>Nothing here knows about protobuf or gRPC: the server translates wire messages into a
 * {@code double[]} row in {@link io.churnwire.model.FeatureSchema} order and asks a
 * {@link io.churnwire.model.ChurnModel} for the churn probability.
 */
package io.churnwire.model;
