namespace RxMediasoup;

/// <summary>
/// Creates one running worker for a <see cref="WorkerManager"/> (its initial workers and every replacement):
/// <see cref="Worker.CreateAsync"/> by default. A test can hand the manager simulated workers instead (the
/// RxMediasoup.Testing package's <c>SimulatedWorkerFactory</c>), which then die and respawn in virtual time.
/// </summary>
/// <param name="settings">The manager's <see cref="WorkerManagerOptions.WorkerSettings"/>.</param>
/// <param name="cancellationToken">Cancels the start (initial workers only; a respawn is not cancellable).</param>
/// <returns>The running worker. Its <see cref="Worker.Pid"/> must differ from every live worker's of the manager.</returns>
public delegate Task<Worker> WorkerFactory(WorkerSettings settings, CancellationToken cancellationToken);
