/**
 * MQTT for Home Assistant: {@link dev.socketkit.camera.internal.mqtt.MqttLink} holds the one
 * connection to the broker (Eclipse Paho) and the one thread that publishes from a bounded {@link
 * dev.socketkit.camera.internal.mqtt.OutboundQueue}; each camera puts its messages there through a
 * {@link dev.socketkit.camera.internal.mqtt.CameraTopics} (its motion state, events, snapshots and
 * Home Assistant discovery). Not an API: used through {@link dev.socketkit.camera.MqttConnection}.
 */
package dev.socketkit.camera.internal.mqtt;
