using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;

namespace RxMediasoup.Tests.Infrastructure;

public static class ObservableTestExtensions
{
    /// <summary>The first value, or a TimeoutException after <paramref name="timeout"/>.</summary>
    public static Task<T> FirstAsyncOrTimeout<T>(this IObservable<T> source, TimeSpan timeout)
        => source.FirstAsync().ToTask().WaitAsync(timeout);
}
