package org.megaportraits.basemodel.impl;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.megaportraits.basemodel.net.BaseModelConfig;
import org.megaportraits.nn.tensor.DeviceStreams;
import org.megaportraits.nn.tensor.Devices;
import org.megaportraits.sdk.ExecutionOptions;
import org.megaportraits.sdk.ModelDescriptor;
import org.megaportraits.sdk.ModelUnavailableException;
import org.megaportraits.sdk.reenact.ReenactmentModel;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The base model as an OSGi service. Where the weights come from, in order:
 * <ol>
 *   <li>a model folder ({@code descriptor.json} + weights): configuration property
 *       {@code model.dir} (PID {@code org.megaportraits.basemodel}) or system property
 *       {@code portraits.basemodel.dir};</li>
 *   <li>otherwise a preset with random weights from a fixed seed, announced by a WARN log line and
 *       {@code descriptor().trained() == false}. The preset is the property {@code preset} /
 *       {@code portraits.basemodel.preset}, or by default {@code paper-512} when PyTorch sees a
 *       GPU and {@code small} (64 px, runs in seconds on a CPU) when it does not.</li>
 * </ol>
 * Weights are loaded per device and precision on the first {@link #open} there and shared by the
 * sessions opened on them. Deactivation (bundle stop, update, configuration change) frees only
 * what no open session uses; an open session keeps its weights until it closes.
 */
@Component(service = ReenactmentModel.class, configurationPid = "org.megaportraits.basemodel",
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class BaseReenactmentModel implements ReenactmentModel {

    /** Configuration / system property naming a model folder. */
    public static final String DIR_PROPERTY = "portraits.basemodel.dir";
    /** Configuration / system property naming the preset used without a model folder. */
    public static final String PRESET_PROPERTY = "portraits.basemodel.preset";
    /** Seed of the random weights used without a model folder. */
    public static final long UNTRAINED_SEED = 20220707L;

    private static final Logger LOG = LoggerFactory.getLogger(BaseReenactmentModel.class);

    private final Map<String, LoadedModel> loaded = new HashMap<>();
    private WeightSource source;
    private boolean active;

    /**
     * Resolves where the weights come from (checking a configured model folder now, so that a bad
     * folder fails at start with its reason).
     *
     * @param properties component configuration: optional {@code model.dir} and {@code preset}
     */
    @Activate
    public synchronized void activate(Map<String, Object> properties) {
        String dir = setting(properties, "model.dir", DIR_PROPERTY);
        if (dir != null) {
            source = new WeightSource.Folder(Path.of(dir));
            ModelDescriptor d = source.descriptor();
            LOG.info("base model '{}' ({} preset, {} px) from {}{}", d.name(), source.config().name(), d.resolution(), dir,
                    d.trained() ? "" : " -- its descriptor says the weights are NOT trained");
        } else {
            String preset = setting(properties, "preset", PRESET_PROPERTY);
            if (preset == null) {
                preset = Devices.engine().getGpuCount() > 0 ? "paper-512" : "small";
            }
            source = new WeightSource.Seeded(BaseModelConfig.preset(preset), UNTRAINED_SEED);
            LOG.warn("UNTRAINED base model: no model folder configured (-D{} or config model.dir), so preset '{}' runs "
                    + "with RANDOM weights (seed {}); its output is noise, not a face. Train the base model or point "
                    + "{} at a model folder.", DIR_PROPERTY, preset, UNTRAINED_SEED, DIR_PROPERTY);
        }
        active = true;
    }

    private static String setting(Map<String, Object> properties, String key, String systemProperty) {
        Object v = properties == null ? null : properties.get(key);
        if (v == null && properties != null) {
            v = properties.get(systemProperty);
        }
        String s = v == null ? System.getProperty(systemProperty) : v.toString();
        return s == null || s.isBlank() ? null : s.trim();
    }

    /** Stops handing out sessions and frees the weights no open session holds. */
    @Deactivate
    public synchronized void deactivate() {
        active = false;
        loaded.values().forEach(LoadedModel::release);
        loaded.clear();
    }

    @Override
    public synchronized ModelDescriptor descriptor() {
        checkActive();
        return source.descriptor();
    }

    @Override
    public Session open(ExecutionOptions options) {
        Device device = Devices.device(options);
        DataType type = Devices.dataType(options.precision());
        LoadedModel model;
        synchronized (this) {
            checkActive();
            String key = device + "/" + type;
            model = loaded.get(key);
            if (model == null) {
                long t0 = System.nanoTime();
                // loaded complete: the sessions that share it may run on other threads' streams
                try (DeviceStreams.Scope work = DeviceStreams.enter(device)) {
                    model = new LoadedModel(source, device, type);
                }
                loaded.put(key, model);
                LOG.info("base model '{}' loaded on {} in {} in {} ms{}", source.descriptor().name(), device, type,
                        (System.nanoTime() - t0) / 1_000_000, source.descriptor().trained() ? "" : " (UNTRAINED weights)");
            }
            model.retain();
        }
        try {
            return new BaseSession(options, model);
        } catch (RuntimeException e) {
            model.release();
            throw e;
        }
    }

    private void checkActive() {
        if (!active) {
            throw new ModelUnavailableException("the base-model service is stopped",
                    "get the current ReenactmentModel service and open a new session on it");
        }
    }
}
